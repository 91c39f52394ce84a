package io.imagebatch.e2e.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs kubectl against the test cluster's kubeconfig, as a user or a script would. */
public final class Kubectl {

  /** Upper bound per call; {@code kubectl wait} callers pass their own shorter --timeout. */
  private static final Duration LIMIT = Duration.ofMinutes(3);

  private final Path binary;
  private final Path kubeconfig;
  private final Path cacheDir;

  /** kubectl {@code binary} against {@code kubeconfig}, its discovery cache in {@code cacheDir}. */
  public Kubectl(Path binary, Path kubeconfig, Path cacheDir) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.cacheDir = cacheDir;
  }

  public Path binary() {
    return binary;
  }

  public KubectlResult run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--kubeconfig=" + kubeconfig);
    // Keep discovery caches out of the user's ~/.kube.
    command.add("--cache-dir=" + cacheDir);
    command.addAll(List.of(args));
    try {
      Files.createDirectories(cacheDir);
      Path out = Files.createTempFile(cacheDir, "kubectl", ".out");
      Path err = Files.createTempFile(cacheDir, "kubectl", ".err");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        Process process = builder.start();
        if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException("kubectl " + String.join(" ", args) + " hung");
        }
        return new KubectlResult(
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running kubectl", e);
    }
  }
}
