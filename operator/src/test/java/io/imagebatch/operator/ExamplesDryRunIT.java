package io.imagebatch.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
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

  @BeforeAll
  static void crds(KubernetesClient client) {
    InProcessOperator.installCrds(client);
    // Kueue's CRDs live in Kueue's repository, which this machine cannot reach: schemaless
    // stand-ins (named as such) let the API server accept the queue kinds; their fields are
    // Kueue's to check.
    for (String kind : List.of("ResourceFlavor", "ClusterQueue", "LocalQueue")) {
      installStandIn(client, "kueue.x-k8s.io", "v1beta1", kind, !kind.equals("LocalQueue"));
    }
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml"))
          .filter(f -> !f.startsWith(EXAMPLES.resolve("local")))
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
            "kueue/queues.yaml",
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

  private static void installStandIn(
      KubernetesClient client, String group, String version, String kind, boolean cluster) {
    String plural = kind.toLowerCase(java.util.Locale.ROOT) + "s";
    String name = plural + "." + group;
    if (client.apiextensions().v1().customResourceDefinitions().withName(name).get() != null) {
      return;
    }
    client
        .resource(
            new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("imagebatch.io/test-stand-in", "true")
                .endMetadata()
                .withNewSpec()
                .withGroup(group)
                .withScope(cluster ? "Cluster" : "Namespaced")
                .withNewNames()
                .withKind(kind)
                .withPlural(plural)
                .withSingular(kind.toLowerCase(java.util.Locale.ROOT))
                .endNames()
                .addNewVersion()
                .withName(version)
                .withServed(true)
                .withStorage(true)
                .withNewSchema()
                .withNewOpenAPIV3Schema()
                .withType("object")
                .withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema()
                .endSchema()
                .endVersion()
                .endSpec()
                .build())
        .create();
    InProcessOperator.awaitEstablished(client, name);
  }
}
