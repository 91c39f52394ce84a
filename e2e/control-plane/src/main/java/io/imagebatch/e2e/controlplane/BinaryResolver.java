package io.imagebatch.e2e.controlplane;

import java.io.IOException;
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
    return BuildScript.find(SCRIPT_IN_REPO);
  }

  private static K8sBinaries runBuildScript(Path script, Path logDir)
      throws IOException, InterruptedException {
    return new K8sBinaries(
        BuildScript.run(script, logDir)
            .orElseThrow(
                () ->
                    new ControlPlaneUnavailableException(
                        "binaries not built and no Go toolchain found")));
  }
}
