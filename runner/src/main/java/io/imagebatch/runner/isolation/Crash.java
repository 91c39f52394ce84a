package io.imagebatch.runner.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a worker process died. A signal the JVM does not handle (SIGKILL, SIGABRT) shows in the exit
 * code, 128 + the signal. A SIGSEGV or SIGBUS in native code is caught by the JVM, which writes its
 * error file and exits (1, as core dumps are off for workers), so the error file says it was a
 * crash and names the real signal.
 *
 * @param signal e.g. {@code SIGSEGV}
 * @param exitCode the worker's exit code
 * @param reportedByJvm whether the signal comes from the JVM's error file, not the exit code
 */
public record Crash(String signal, int exitCode, boolean reportedByJvm) {
  private static final Map<Integer, String> SIGNALS =
      Map.of(4, "SIGILL", 6, "SIGABRT", 7, "SIGBUS", 8, "SIGFPE", 9, "SIGKILL", 11, "SIGSEGV");
  private static final Pattern JVM_SIGNAL =
      Pattern.compile("^#\\s+(SIG[A-Z]+) \\(0x", Pattern.MULTILINE);

  /** The crash this exit means, if it is one; a SIGTERM or SIGINT is a stop, not a crash. */
  public static Optional<Crash> of(int exitCode, Path jvmErrorFile) {
    Optional<String> reported = jvmSignal(jvmErrorFile);
    if (reported.isPresent()) {
      return Optional.of(new Crash(reported.get(), exitCode, true));
    }
    return Optional.ofNullable(SIGNALS.get(exitCode - 128))
        .map(signal -> new Crash(signal, exitCode, false));
  }

  /** For the manifest: what died and, for SIGKILL, the likely why. */
  public String describe() {
    if (reportedByJvm) {
      return signal + " (in native code, reported by the JVM)";
    }
    String why = signal.equals("SIGKILL") ? ", as by an OOM kill at the memory limit" : "";
    return signal + " (exit " + exitCode + why + ")";
  }

  private static Optional<String> jvmSignal(Path file) {
    try {
      if (!Files.exists(file)) {
        return Optional.empty();
      }
      Matcher matcher = JVM_SIGNAL.matcher(Files.readString(file));
      // The JVM's fatal error report: a crash even when no signal line can be read from it.
      String signal = matcher.find() ? matcher.group(1) : "a fatal JVM error";
      Files.delete(file);
      return Optional.of(signal);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
