package io.imagebatch.runner.isolation;

import io.imagebatch.runner.log.Log;
import io.imagebatch.runner.memory.MemoryLimit;
import io.imagebatch.runner.pipeline.FailureReason;
import io.imagebatch.runner.pipeline.ImageResult;
import io.imagebatch.runner.source.SourceRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Runs the real work in a child JVM (the worker) and survives its native crashes. libvips and its
 * codecs run in-process, so a SIGSEGV, SIGABRT or OOM kill while decoding one hostile file would
 * end every image in flight and the run. Here it ends the worker only: the sources in flight are
 * read from the {@link Journal}, and a new worker resumes the run from its manifest, first retrying
 * those sources one at a time. A source that brings a worker down again while alone is quarantined
 * as {@code ProcessCrashed}. The hot path is unchanged: the worker runs images on threads as
 * before; only a crash costs a JVM start.
 */
public final class Supervisor {
  /** {@code false} runs the work in this process, as before (no crash isolation). */
  public static final String ENVIRONMENT =
      io.imagebatch.api.contract.RunnerEnvironment.CRASH_ISOLATION;

  /** What the supervisor itself needs of the memory limit (measured RSS ~40 MiB, with margin). */
  static final long RESERVE_BYTES = 64L << 20;

  private final List<String> command;
  private final Map<String, String> env;
  private final Journal journal;
  private volatile Process worker;
  private volatile boolean stopping;

  private Supervisor(List<String> command, Map<String, String> env, Journal journal) {
    this.command = command;
    this.env = env;
    this.journal = journal;
  }

  /**
   * The supervisor for this JVM's command line, or empty to run in-process: when isolation is off,
   * when this process is a worker already, or when it is an AOT training run (a supervisor would
   * train the cache on itself, not on the work).
   */
  public static Optional<Supervisor> forThisProcess(
      String command, Map<String, String> env, Path tempDir) throws IOException {
    if (!List.of("run", "process").contains(command)
        || "false".equalsIgnoreCase(env.getOrDefault(ENVIRONMENT, "").strip())
        || env.containsKey(Journal.ENVIRONMENT)) {
      return Optional.empty();
    }
    // This JVM's whole command line, to start the worker the same way. ProcessHandle.Info gives
    // no arguments for command lines longer than a page (a long class path), so read it whole.
    Path cmdline = Path.of("/proc/self/cmdline");
    if (!Files.isReadable(cmdline)) {
      return Optional.empty();
    }
    List<String> self =
        List.of(new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).split("\0"));
    if (self.stream()
        .anyMatch(a -> a.startsWith("-XX:AOTCacheOutput") || a.startsWith("-XX:AOTMode"))) {
      return Optional.empty();
    }
    Journal journal = new Journal(Files.createTempDirectory(tempDir, "imagebatch-journal-"));
    List<String> worker = new ArrayList<>();
    worker.add(ProcessHandle.current().info().command().orElse(self.getFirst()));
    // The JVM's crash report goes where the supervisor reads the signal from, and no core dump.
    worker.add("-XX:ErrorFile=" + journal.dir().resolve("hs_err.log"));
    worker.add("-XX:-CreateCoredumpOnCrash");
    worker.addAll(self.subList(1, self.size()));
    return Optional.of(new Supervisor(worker, env, journal));
  }

  /** Runs workers until one exits by itself; returns its exit code. */
  public int run() throws IOException, InterruptedException {
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "supervisor-stop"));
    try {
      Process first = startWorker();
      // Start-up is felt from this JVM's start, not the worker's: the worker reports from here.
      // Read now, while the worker starts, so loading JMX costs the start-up nothing.
      Files.writeString(
          journal.dir().resolve(Journal.SUPERVISOR_STARTED),
          Long.toString(java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()));
      for (Process current = first; ; current = startWorker()) {
        int exit = current.waitFor();
        Optional<Crash> crash = Crash.of(exit, journal.dir().resolve("hs_err.log"));
        if (stopping || crash.isEmpty() || !recover(crash.get())) {
          return exit;
        }
      }
    } finally {
      deleteJournal();
    }
  }

  private Process startWorker() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put(Journal.ENVIRONMENT, journal.dir().toString());
    // The worker budgets images against the limit; this process's share is not theirs.
    long limit = MemoryLimit.detect().bytes();
    builder.environment().put(MemoryLimit.ENV, Long.toString(limit - RESERVE_BYTES));
    // The worker's stdin is a pipe from here: when this process dies, the worker sees its end.
    builder.redirectInput(ProcessBuilder.Redirect.PIPE);
    builder.redirectOutput(ProcessBuilder.Redirect.INHERIT);
    builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    worker = builder.start();
    return worker;
  }

  /**
   * Decides what the crash costs: the one source in flight alone is quarantined; sources in flight
   * together become suspects, each retried once, alone. Returns false when no source was in flight
   * (the crash is not an image's: the run fails as before).
   */
  private boolean recover(Crash crash) {
    List<Journal.Started> inFlight = journal.inFlight();
    if (inFlight.isEmpty()) {
      Log.error("worker process crashed outside any image", "signal", crash.describe());
      return false;
    }
    List<ImageResult> quarantined = new ArrayList<>();
    java.util.Set<String> recorded =
        journal.recorded().stream().map(ImageResult::source).collect(Collectors.toSet());
    List<SourceRef> suspects = new ArrayList<>(journal.suspects());
    suspects.removeIf(s -> recorded.contains(s.key()));
    for (Journal.Started started : inFlight) {
      SourceRef source = started.source();
      suspects.removeIf(s -> s.key().equals(source.key()));
      if (started.alone()) {
        quarantined.add(quarantine(source, crash));
      } else {
        suspects.add(source);
      }
    }
    journal.afterCrash(quarantined, suspects);
    Log.warn(
        "worker process crashed; restarting it",
        "signal",
        crash.describe(),
        "inFlight",
        inFlight.stream().map(s -> s.source().key()).toList(),
        "quarantined",
        quarantined.stream().map(ImageResult::source).toList());
    return true;
  }

  private static ImageResult quarantine(SourceRef source, Crash crash) {
    return new ImageResult(
        source.key(),
        ImageResult.Status.failed,
        FailureReason.ProcessCrashed,
        "the worker process died with "
            + crash.describe()
            + " while handling this source, and again when it was retried alone; quarantined",
        source.size() < 0 ? null : source.size(),
        null,
        null,
        null,
        0,
        List.of());
  }

  private void stop() {
    stopping = true;
    Process current = worker;
    if (current != null && current.isAlive()) {
      current.destroy();
      try {
        current.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void deleteJournal() {
    try (var files = Files.walk(journal.dir())) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      Log.warn("cannot delete the run's journal", "dir", journal.dir(), "error", e.toString());
    }
  }

  /**
   * In a worker: ends this process at once when the supervisor is gone (its pipe on our stdin
   * closes), so a killed supervisor never leaves a worker writing behind it.
   */
  public static void exitWithSupervisor() {
    Thread watcher =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // the supervisor never writes; only the end matters
                }
              } catch (IOException ignored) {
                // a broken pipe is the end too
              }
              Runtime.getRuntime().halt(143);
            },
            "supervisor-watch");
    watcher.setDaemon(true);
    watcher.start();
  }
}
