package io.imagebatch.e2e.fullflow;

import io.imagebatch.e2e.controlplane.node.CommandMapper;
import io.imagebatch.operator.InProcessOperator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The runner image, played by the runner jar this build just packaged: maps a runner container
 * (image {@link InProcessOperator#IMAGE}, no command, args {@code plan|process --spec ...}) to what
 * the image's entrypoint runs (see Dockerfile.runner), {@code java <flags> -jar
 * imagebatch-runner.jar <args>}, with the image's {@code MALLOC_ARENA_MAX}.
 */
final class RunnerImage {
  /** A second tag of the runner image, for a blue-green rollout: the same jar plays it. */
  static final String GREEN = "registry.example.com/imagebatch-runner:test-green";

  private RunnerImage() {}

  /** The jar: {@code -Dimagebatch.runner.jar} (set by the pom), else the reactor's runner build. */
  static Path jar() {
    Path jar =
        Path.of(
                System.getProperty(
                    "imagebatch.runner.jar", "../../runner/target/imagebatch-runner.jar"))
            .toAbsolutePath()
            .normalize();
    if (!Files.isRegularFile(jar) || !Files.isDirectory(jar.resolveSibling("lib"))) {
      throw new IllegalStateException(
          "no runner jar at "
              + jar
              + " (with its lib/): build it in the reactor, e.g. ./mvnw -pl e2e/full-flow -am verify");
    }
    return jar;
  }

  static CommandMapper commandMapper() {
    Path jar = jar();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return (container, command, args) -> {
      if (!InProcessOperator.IMAGE.equals(container.getImage())
          && !GREEN.equals(container.getImage())) {
        throw new IllegalArgumentException("not the runner image: " + container.getImage());
      }
      if (!command.isEmpty()) {
        throw new IllegalArgumentException(
            "runner pods use the image's entrypoint, but the pod sets command " + command);
      }
      List<String> line = new ArrayList<>();
      line.add("env");
      line.add("MALLOC_ARENA_MAX=2");
      line.add(java.toString());
      line.add("-XX:+UseSerialGC");
      line.add("-XX:MaxRAMPercentage=25");
      // Not in the image (which has an AOT cache instead): C1 only, for a fast start here.
      line.add("-XX:TieredStopAtLevel=1");
      line.add("--enable-native-access=ALL-UNNAMED");
      line.add("-jar");
      line.add(jar.toString());
      line.addAll(args);
      return line;
    };
  }
}
