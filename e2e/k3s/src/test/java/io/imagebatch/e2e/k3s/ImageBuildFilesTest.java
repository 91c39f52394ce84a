package io.imagebatch.e2e.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The image files agree with the script that builds them without a registry
 * (e2e/node/images/build.sh): the base images Dockerfile.runner names are exactly the ones the
 * script makes (base-images.env), and nothing in the Dockerfile needs what a plain build cannot
 * have. Fast: reads files only; building the images belongs to the real-node tier.
 */
class ImageBuildFilesTest {

  private static final Repository REPO = Repository.fromSystemProperties();
  private static final Path IMAGES_DIR = REPO.root().resolve("e2e/node/images");

  @Test
  void theRunnerDockerfileNamesExactlyTheBaseImagesTheScriptMakes() throws IOException {
    Dockerfile runner = Dockerfile.read(REPO.runnerDockerfile());

    assertThat(runner.baseImages()).containsExactlyInAnyOrderElementsOf(scriptBaseImages());
  }

  @Test
  void theLocalContainerfilesBuildOnlyOnTheScriptsBaseImagesOrAnImageTheScriptPasses()
      throws IOException {
    Set<String> allowed = Set.copyOf(scriptBaseImages());
    List<Path> containerfiles;
    try (Stream<Path> files = Files.list(IMAGES_DIR)) {
      containerfiles =
          files.filter(f -> f.getFileName().toString().startsWith("Containerfile.")).toList();
    }

    assertThat(containerfiles)
        .extracting(f -> f.getFileName().toString())
        .containsExactlyInAnyOrder(
            "Containerfile.jdk", "Containerfile.operator-base", "Containerfile.bad-runner");
    for (Path file : containerfiles) {
      Set<String> bases = Dockerfile.read(file).baseImages();
      assertThat(bases)
          .as("FROM images of %s", file.getFileName())
          .allMatch(image -> allowed.contains(image) || image.equals("${RUNNER_IMAGE}"));
    }
  }

  @Test
  void theRunnerDockerfileNeedsNoBuildKitFrontendAndNoBinutils() throws IOException {
    List<String> lines = Files.readAllLines(REPO.runnerDockerfile());

    // A "# syntax=" line makes BuildKit pull a frontend image from a registry.
    assertThat(lines).noneMatch(line -> line.strip().toLowerCase().matches("#\\s*syntax\\s*=.*"));
    // --strip-debug runs objcopy, which a JDK image need not have; the Java-only variant does not.
    assertThat(String.join("\n", lines))
        .contains("--strip-java-debug-attributes")
        .doesNotContain("--strip-debug ");
  }

  private static List<String> scriptBaseImages() throws IOException {
    return Files.readAllLines(IMAGES_DIR.resolve("base-images.env")).stream()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .map(line -> line.substring(line.indexOf('=') + 1))
        .collect(Collectors.toList());
  }
}
