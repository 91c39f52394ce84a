package io.imagebatch.operator;

import io.imagebatch.e2e.controlplane.BuildScript;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * gitops/verify, the Go program that judges gitops/ with Argo CD's, kstatus' and Flux's own code:
 * built (or found in its cache) by its build.sh, then run. Without Go the calling test is skipped
 * with the reason, or fails with CI=true.
 */
final class GitOpsVerify {
  static final Path GITOPS = Path.of("..", "gitops").toAbsolutePath().normalize();

  /** What the program printed (one line per check, then "N passed, N failed") and its exit. */
  record Result(int exitCode, String output) {}

  private final Path binary;

  private GitOpsVerify(Path binary) {
    this.binary = binary;
  }

  static GitOpsVerify build() throws IOException, InterruptedException {
    Path logs = Files.createTempDirectory("gitops-verify-build-");
    Optional<Path> binary = BuildScript.run(GITOPS.resolve("verify").resolve("build.sh"), logs);
    if (binary.isEmpty()) {
      ControlPlaneExtension.skipOrFail(
          "gitops/verify needs Go (1.21 or later, which fetches Go 1.27.3): "
              + BuildScript.why(logs),
          null);
    }
    return new GitOpsVerify(binary.orElseThrow());
  }

  Result run(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(binary.toString(), "-gitops", GITOPS.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("gitops-verify hung");
    }
    return new Result(process.exitValue(), output);
  }
}
