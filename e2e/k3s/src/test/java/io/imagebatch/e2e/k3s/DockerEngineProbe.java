package io.imagebatch.e2e.k3s;

import static java.util.concurrent.TimeUnit.MINUTES;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PullResponseItem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;

/**
 * Whether the suite can run here: a Docker engine answers and it has, or can pull, the k3s node
 * image. If not, why not, in one line.
 *
 * <p>Testcontainers is only asked when something points at an engine (DOCKER_HOST, its own
 * configuration, or a socket file): without any, the answer is known at once, and the test JVM
 * never loads Testcontainers' client strategies at all. An engine with no registry in reach
 * (podman's Docker API on a machine that reaches none, for example) answers, but cannot give the
 * node image: that is asked before anything starts, with a plain client, since Testcontainers' own
 * would first start its Ryuk container, whose image cannot be pulled there either.
 */
final class DockerEngineProbe {

  private DockerEngineProbe() {}

  private static final long PULL_TIMEOUT_MINUTES = 10;

  static Optional<String> whyCannotRun() {
    List<String> hints = engineHints();
    if (hints.isEmpty()) {
      return Optional.of(
          "no Docker engine: the k3s suite runs where Docker exists (DOCKER_HOST unset,"
              + " /var/run/docker.sock missing)");
    }
    String where = String.join(", ", hints);
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      return Optional.of("no Docker engine answered at " + where + ": the k3s suite needs one");
    }
    return whyNoNodeImage(K3sNodeImage.NAME)
        .map(
            why ->
                "a Docker engine answered at "
                    + where
                    + ", but the k3s node image "
                    + K3sNodeImage.NAME
                    + " cannot be had: "
                    + why
                    + " (load it into the engine, or name another with -Dimagebatch.k3s.image=)");
  }

  /** Empty when the engine has the image or pulled it; otherwise what went wrong. */
  private static Optional<String> whyNoNodeImage(String image) {
    try (DockerClient client =
        DockerClientProviderStrategy.getClientForConfig(
            DockerClientFactory.instance().getTransportConfig())) {
      return whyNotIn(client, image);
    } catch (IOException e) {
      throw new UncheckedIOException("closing the Docker client", e);
    }
  }

  private static Optional<String> whyNotIn(DockerClient client, String image) {
    try {
      client.inspectImageCmd(image).exec();
      return Optional.empty();
    } catch (NotFoundException notInEngine) {
      return whyNotPulled(client, image);
    }
  }

  private static Optional<String> whyNotPulled(DockerClient client, String image) {
    PullErrors pull = new PullErrors();
    try {
      boolean done =
          client.pullImageCmd(image).exec(pull).awaitCompletion(PULL_TIMEOUT_MINUTES, MINUTES);
      if (!done) {
        return Optional.of(
            "not in the engine, and no pull finished in " + PULL_TIMEOUT_MINUTES + " min");
      }
      return pull.error().map(error -> "not in the engine, and pulling it failed: " + error);
    } catch (RuntimeException pullFailed) {
      return Optional.of("not in the engine, and pulling it failed: " + oneLine(pullFailed));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while pulling it");
    }
  }

  /**
   * Keeps the engine's error from a pull's progress stream. docker-java's own callback cannot read
   * podman's error items (they have no status) and fails on them with a NullPointerException.
   */
  private static final class PullErrors extends ResultCallback.Adapter<PullResponseItem> {
    private volatile String error;

    @Override
    public void onNext(PullResponseItem item) {
      if (item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null) {
        error = item.getErrorDetail().getMessage();
      } else if (item.getError() != null) {
        error = item.getError();
      }
    }

    Optional<String> error() {
      return Optional.ofNullable(error).map(DockerEngineProbe::oneLine);
    }
  }

  private static String oneLine(Exception e) {
    return oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
  }

  private static String oneLine(String message) {
    return message.strip().replaceAll("\\s*\\R\\s*", " ");
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
