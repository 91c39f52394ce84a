package io.imagebatch.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.PinnedRunner;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.TestNamespace;
import io.imagebatch.e2e.controlplane.node.NodeSimulator;
import io.imagebatch.e2e.controlplane.node.PodBehavior;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * spec.runner names an ImageRunner: missing, the batch is Stalled saying what to create; once it
 * exists, the batch pins its active colour's image and uses its default resources. ImageRunner's
 * own CRD is a later issue: this test installs a schemaless stand-in.
 */
@ExtendWith(ControlPlaneExtension.class)
class ImageRunnerLookupIT {
  private static final ResourceDefinitionContext IMAGE_RUNNERS =
      new ResourceDefinitionContext.Builder()
          .withGroup("imagebatch.io")
          .withVersion("v1alpha1")
          .withKind("ImageRunner")
          .withPlural("imagerunners")
          .withNamespaced(true)
          .build();

  @Test
  void aNamedImageRunnerThatIsMissingStallsTheBatchUntilItExists(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(PodBehavior.keepRunning());
    installStandInCrd(client);
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(
          client,
          ns.name(),
          Batches.yaml("pinned", 200, "").replace("spec:\n", "spec:\n  runner: blue-green\n"));
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> Batches.isTrue(Batches.get(client, ns.name(), "pinned"), "Stalled"));
      ImageBatch stalled = Batches.get(client, ns.name(), "pinned");
      assertThat(stalled.getStatus().phase()).isEqualTo(Phase.Pending);
      assertThat(Batches.condition(stalled, "Stalled").orElseThrow().getReason())
          .isEqualTo("ImageRunnerNotFound");
      assertThat(Batches.condition(stalled, "Stalled").orElseThrow().getMessage())
          .contains("ImageRunner \"blue-green\"")
          .contains("create it");

      GenericKubernetesResource runner = new GenericKubernetesResource();
      runner.setApiVersion("imagebatch.io/v1alpha1");
      runner.setKind("ImageRunner");
      runner.setMetadata(
          new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
              .withName("blue-green")
              .withNamespace(ns.name())
              .build());
      runner.setAdditionalProperty(
          "spec",
          Map.of(
              "blue", Map.of("image", "registry.example.com/runner:1.4.0"),
              "green", Map.of("image", "registry.example.com/runner:1.5.0"),
              "active", "green",
              "defaults",
                  Map.of(
                      "resources",
                      Map.of(
                          "requests", Map.of("cpu", "250m", "memory", "300Mi"),
                          "limits", Map.of("memory", "600Mi")))));
      client
          .genericKubernetesResources(IMAGE_RUNNERS)
          .inNamespace(ns.name())
          .resource(runner)
          .create();

      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () -> {
                ImageBatch b = Batches.get(client, ns.name(), "pinned");
                return b.getStatus() != null && b.getStatus().phase() == Phase.Planning;
              });
      ImageBatch planning = Batches.get(client, ns.name(), "pinned");
      assertThat(planning.getStatus().runner())
          .isEqualTo(new PinnedRunner("blue-green", "green", "registry.example.com/runner:1.5.0"));
      assertThat(Batches.isTrue(planning, "Stalled")).isFalse();
      Container container =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(ns.name())
              .withName("pinned-plan-g1")
              .get()
              .getSpec()
              .getTemplate()
              .getSpec()
              .getContainers()
              .get(0);
      assertThat(container.getImage()).isEqualTo("registry.example.com/runner:1.5.0");
      assertThat(container.getResources().getRequests())
          .containsEntry("cpu", new Quantity("250m"))
          .containsEntry("memory", new Quantity("300Mi"));
      assertThat(container.getResources().getLimits())
          .containsEntry("memory", new Quantity("600Mi"));
    }
  }

  private static synchronized void installStandInCrd(KubernetesClient client) {
    CustomResourceDefinition crd =
        new CustomResourceDefinitionBuilder()
            .withNewMetadata()
            .withName("imagerunners.imagebatch.io")
            .endMetadata()
            .withNewSpec()
            .withGroup("imagebatch.io")
            .withScope("Namespaced")
            .withNewNames()
            .withKind("ImageRunner")
            .withPlural("imagerunners")
            .withSingular("imagerunner")
            .withShortNames("ir")
            .endNames()
            .addNewVersion()
            .withName("v1alpha1")
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
            .build();
    if (client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName("imagerunners.imagebatch.io")
            .get()
        == null) {
      client.resource(crd).create();
    }
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName("imagerunners.imagebatch.io")
        .waitUntilCondition(
            c ->
                c != null
                    && c.getStatus() != null
                    && c.getStatus().getConditions() != null
                    && c.getStatus().getConditions().stream()
                        .anyMatch(
                            k -> "Established".equals(k.getType()) && "True".equals(k.getStatus())),
            1,
            TimeUnit.MINUTES);
  }
}
