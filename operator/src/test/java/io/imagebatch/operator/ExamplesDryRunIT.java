package io.imagebatch.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.TestNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every cluster example (every YAML under examples/ but the local one, which runs without a cluster
 * and has its own test in the runner) is accepted by the real API server with the committed CRDs,
 * by server-side dry-run: no example can rot.
 */
@ExtendWith(ControlPlaneExtension.class)
class ExamplesDryRunIT {
  private static final Path EXAMPLES = Path.of("..", "examples");

  /**
   * Kueue's queues (kueue/queues.yaml) are not here: e2e/full-flow's KueueE2E applies them
   * unchanged to a real Kueue, whose webhooks check them.
   */
  private static final Path KUEUE_QUEUES = EXAMPLES.resolve("kueue").resolve("queues.yaml");

  @BeforeAll
  static void crds(KubernetesClient client) {
    InProcessOperator.installCrds(client);
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml"))
          .filter(f -> !f.startsWith(EXAMPLES.resolve("local")))
          .filter(f -> !f.equals(KUEUE_QUEUES))
          .sorted()
          .toList()
          .stream();
    }
  }

  @Test
  void everyClusterExampleIsCovered() throws IOException {
    assertThat(examples().map(f -> EXAMPLES.relativize(f).toString()))
        .contains(
            "s3/batch.yaml",
            "http/batch.yaml",
            "pvc/batch.yaml",
            "kueue/batch.yaml",
            "blue-green/imagerunner.yaml",
            "blue-green/batch.yaml");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void isAcceptedByServerSideDryRun(Path example, KubernetesClient client, TestNamespace ns)
      throws IOException {
    List<HasMetadata> objects;
    try (InputStream in = Files.newInputStream(example)) {
      objects = client.load(in).items();
    }
    assertThat(objects).as(example.toString()).isNotEmpty();
    for (HasMetadata object : objects) {
      GenericKubernetesResource generic =
          client.getKubernetesSerialization().convertValue(object, GenericKubernetesResource.class);
      if (generic.getMetadata().getNamespace() != null) {
        generic.getMetadata().setNamespace(ns.name()); // examples say "shop"
      }
      HasMetadata accepted = client.resource(generic).dryRun().serverSideApply();
      assertThat(accepted.getMetadata().getName())
          .as(example + ": " + object.getKind())
          .isEqualTo(generic.getMetadata().getName());
    }
  }
}
