package io.imagebatch.e2e.k3s;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The runner image, built by the Docker engine from Dockerfile.runner with the repository root as
 * context, then saved as a docker archive: k3s runs its own containerd, which does not see the
 * engine's images.
 */
final class RunnerImage {

  private RunnerImage() {}

  /** Builds repository:tag and writes it to a tarball in dir. */
  static Path buildAndSave(Repository repo, String repository, String tag, Path dir) {
    // deleteOnExit false: the image is the suite's output; later runs reuse the engine's cache.
    new ImageFromDockerfile(repository + ":" + tag, false)
        .withDockerfile(repo.runnerDockerfile())
        .get();
    Path tar = dir.resolve("imagebatch-runner-image.tar");
    try (InputStream archive =
        DockerClientFactory.lazyClient().saveImageCmd(repository).withTag(tag).exec()) {
      Files.copy(archive, tar, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tar;
  }
}
