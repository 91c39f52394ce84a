package io.imagebatch.e2e.kueue;

import io.imagebatch.e2e.controlplane.ProcessLogs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs e2e/kueue/build.sh, which answers from its cache at once or builds Kueue from its Go module
 * (so a fresh CI machine builds it once), and returns the directory with {@code kueue} and {@code
 * config/}.
 */
final class KueueBuild {

  private static final Path SCRIPT_IN_REPO = Path.of("e2e", "kueue", "build.sh");

  /** build.sh's exit status when there is no cached build and no Go to make one. */
  private static final int EXIT_NO_GO = 2;

  private KueueBuild() {}

  static Path resolve(Path logDir) throws IOException, InterruptedException {
    Path script = script();
    Path out = logDir.resolve("build.out");
    Path log = logDir.resolve("build.log");
    Process process =
        new ProcessBuilder("bash", script.toString())
            .redirectOutput(out.toFile())
            .redirectError(log.toFile())
            .start();
    int exit = process.waitFor();
    if (exit == EXIT_NO_GO) {
      throw new KueueUnavailableException(ProcessLogs.tail(log, 3).strip());
    }
    if (exit != 0) {
      throw new IllegalStateException(
          script + " failed with exit code " + exit + ":\n" + ProcessLogs.tail(log, 40));
    }
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw new IllegalStateException(script + " printed no directory");
    }
    return Path.of(lines.getLast().strip());
  }

  private static Path script() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(SCRIPT_IN_REPO))) {
        return dir.resolve(SCRIPT_IN_REPO);
      }
    }
    throw new IllegalStateException(
        "no " + SCRIPT_IN_REPO + " above " + Path.of("").toAbsolutePath());
  }
}
