package io.imagebatch.helm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Prometheus' {@code promtool} (Debian's package {@code prometheus}; {@code ./run-tests} installs
 * it as root, scripts/lib.sh). Missing, the caller's test is skipped with the install command, or
 * fails under {@code CI=true}, so CI never goes green without it.
 */
final class Promtool {

  /** What promtool printed (stdout and stderr together) and its exit code. */
  record Result(int exitCode, String output) {}

  private final Path binary;

  private Promtool(Path binary) {
    this.binary = binary;
  }

  static Promtool require() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path candidate = Path.of(dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return new Promtool(candidate);
      }
    }
    String reason =
        "promtool not found on PATH: install Prometheus' tools (as root: apt-get install"
            + " --no-install-recommends prometheus)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(reason + " (CI=true, so this fails, not skips)");
    }
    Assumptions.abort(reason);
    throw new AssertionError("not reached");
  }

  Result run(Path workDir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("promtool " + String.join(" ", args) + " hung");
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
