package io.imagebatch.e2e.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Runs one of the repository's Go build scripts (e2e/control-plane/build.sh, e2e/kueue/build.sh,
 * gitops/verify/build.sh): each answers from its cache at once or builds, prints what it made as
 * its last line, and exits 2 when there is no Go to build with.
 */
public final class BuildScript {

  /** The scripts' exit status for "not built, and no Go to build it". */
  static final int EXIT_NO_GO = 2;

  private BuildScript() {}

  /** {@code relative} (e.g. {@code e2e/kueue/build.sh}) in this directory or one above it. */
  public static Optional<Path> find(Path relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(relative))) {
        return Optional.of(dir.resolve(relative));
      }
    }
    return Optional.empty();
  }

  /**
   * Runs {@code script} with its output in {@code logDir} (build.out, build.log) and returns its
   * last line; empty when there is no Go (the log's last line says why).
   */
  public static Optional<Path> run(Path script, Path logDir)
      throws IOException, InterruptedException {
    Files.createDirectories(logDir);
    Path out = logDir.resolve("build.out");
    Path log = logDir.resolve("build.log");
    // Build output goes to a file, not the test report; a first build takes a long while.
    Process process =
        new ProcessBuilder("bash", script.toString())
            .redirectOutput(out.toFile())
            .redirectError(log.toFile())
            .start();
    int exit = process.waitFor();
    if (exit == EXIT_NO_GO) {
      return Optional.empty();
    }
    if (exit != 0) {
      throw new IllegalStateException(
          script + " failed with exit code " + exit + ":\n" + ProcessLogs.tail(log, 40));
    }
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw new IllegalStateException(script + " printed nothing");
    }
    return Optional.of(Path.of(lines.getLast().strip()));
  }

  /** The last lines of the build log in {@code logDir}: why there was nothing to build with. */
  public static String why(Path logDir) {
    return ProcessLogs.tail(logDir.resolve("build.log"), 3).strip();
  }
}
