package io.imagebatch.e2e.kueue;

import io.imagebatch.e2e.controlplane.BuildScript;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Runs e2e/kueue/build.sh, which answers from its cache at once or builds Kueue from its Go module
 * (so a fresh CI machine builds it once), and returns the directory with {@code kueue} and {@code
 * config/}.
 */
final class KueueBuild {

  private static final Path SCRIPT_IN_REPO = Path.of("e2e", "kueue", "build.sh");

  private KueueBuild() {}

  static Path resolve(Path logDir) throws IOException, InterruptedException {
    Path script =
        BuildScript.find(SCRIPT_IN_REPO)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no " + SCRIPT_IN_REPO + " above " + Path.of("").toAbsolutePath()));
    return BuildScript.run(script, logDir)
        .orElseThrow(() -> new KueueUnavailableException(BuildScript.why(logDir)));
  }
}
