package io.imagebatch.e2e.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds the control-plane binaries: {@code IMAGEBATCH_K8S_ASSETS} first, then build.sh, which
 * answers from its cache in a moment or builds from source when Go is present (so a fresh CI
 * machine builds them once).
 */
final class BinaryResolver {

  static final String ASSETS_ENV = "IMAGEBATCH_K8S_ASSETS";
  static final String BUILD_SCRIPT_PROPERTY = "imagebatch.controlPlane.buildScript";
  private static final Path SCRIPT_IN_REPO = Path.of("e2e", "control-plane", "build.sh");

  /** build.sh's exit status when there is no cached build and no Go to make one. */
  private static final int EXIT_NO_GO = 2;

  private BinaryResolver() {}

  static K8sBinaries resolve(Path logDir) throws IOException, InterruptedException {
    String assets = System.getenv(ASSETS_ENV);
    if (assets != null && !assets.isBlank()) {
      K8sBinaries binaries = new K8sBinaries(Path.of(assets));
      List<String> missing = binaries.missing();
      if (!missing.isEmpty()) {
        // The user asked for these binaries explicitly: a wrong path is an error, not a skip.
        throw new IllegalStateException(ASSETS_ENV + "=" + assets + " lacks " + missing);
      }
      return binaries;
    }
    Path script =
        buildScript()
            .orElseThrow(
                () ->
                    new ControlPlaneUnavailableException(
                        "build.sh not found above " + Path.of("").toAbsolutePath()));
    return runBuildScript(script, logDir);
  }

  private static Optional<Path> buildScript() {
    String configured = System.getProperty(BUILD_SCRIPT_PROPERTY);
    if (configured != null) {
      return Optional.of(Path.of(configured));
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(SCRIPT_IN_REPO))) {
        return Optional.of(dir.resolve(SCRIPT_IN_REPO));
      }
      if (Files.isRegularFile(dir.resolve("build.sh")) && dir.endsWith("control-plane")) {
        return Optional.of(dir.resolve("build.sh"));
      }
    }
    return Optional.empty();
  }

  private static K8sBinaries runBuildScript(Path script, Path logDir)
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
      throw new ControlPlaneUnavailableException("binaries not built and no Go toolchain found");
    }
    if (exit != 0) {
      throw new IllegalStateException(
          script + " failed with exit code " + exit + ":\n" + ProcessLogs.tail(log, 40));
    }
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw new IllegalStateException(script + " printed no binary directory");
    }
    return new K8sBinaries(Path.of(lines.getLast().strip()));
  }
}
