package io.imagebatch.e2e.k3s;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;

/**
 * Whether a Docker engine is there, and if not, why not in one line.
 *
 * <p>Testcontainers is only asked when something points at an engine (DOCKER_HOST, its own
 * configuration, or a socket file): without any, the answer is known at once, and the test JVM
 * never loads Testcontainers' client strategies at all.
 */
final class DockerEngineProbe {

  private DockerEngineProbe() {}

  static Optional<String> whyNoEngine() {
    List<String> hints = engineHints();
    if (hints.isEmpty()) {
      return Optional.of(
          "no Docker engine: the k3s suite runs where Docker exists (DOCKER_HOST unset,"
              + " /var/run/docker.sock missing)");
    }
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      return Optional.of(
          "no Docker engine answered at " + String.join(", ", hints) + ": the k3s suite needs one");
    }
    return Optional.empty();
  }

  /** What could lead Testcontainers to an engine; empty when nothing does. */
  private static List<String> engineHints() {
    List<String> hints = new ArrayList<>();
    String dockerHost = System.getenv("DOCKER_HOST");
    if (dockerHost != null && !dockerHost.isBlank()) {
      hints.add("DOCKER_HOST=" + dockerHost);
    }
    Path home = Path.of(System.getProperty("user.home"));
    Path testcontainersConfig = home.resolve(".testcontainers.properties");
    if (Files.isRegularFile(testcontainersConfig)) {
      hints.add(testcontainersConfig.toString());
    }
    List<Path> sockets = new ArrayList<>();
    sockets.add(Path.of("/var/run/docker.sock"));
    String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
    if (runtimeDir != null && !runtimeDir.isBlank()) {
      sockets.add(Path.of(runtimeDir, "docker.sock")); // rootless Docker
    }
    sockets.add(home.resolve(".docker/run/docker.sock")); // Docker Desktop
    sockets.add(home.resolve(".docker/desktop/docker.sock"));
    for (Path socket : sockets) {
      if (Files.exists(socket)) {
        hints.add(socket.toString());
      }
    }
    return hints;
  }
}
