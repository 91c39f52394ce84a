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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs kubectl against the test cluster's kubeconfig, as a user or a script would. */
public final class Kubectl {

  /** Upper bound per call, unless the call's own {@code --timeout=} (kubectl wait) is longer. */
  private static final Duration LIMIT = Duration.ofMinutes(3);

  private static final Pattern TIMEOUT = Pattern.compile("--timeout=(\\d+)(s|m|h)");

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

  /** LIMIT, or a minute more than the call's own --timeout, so kubectl reports its timeout. */
  private static Duration limit(String... args) {
    for (String arg : args) {
      Matcher timeout = TIMEOUT.matcher(arg);
      if (timeout.matches()) {
        long amount = Long.parseLong(timeout.group(1));
        Duration own =
            switch (timeout.group(2)) {
              case "s" -> Duration.ofSeconds(amount);
              case "m" -> Duration.ofMinutes(amount);
              default -> Duration.ofHours(amount);
            };
        Duration longer = own.plusMinutes(1);
        return longer.compareTo(LIMIT) > 0 ? longer : LIMIT;
      }
    }
    return LIMIT;
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
        if (!process.waitFor(limit(args).toSeconds(), TimeUnit.SECONDS)) {
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
