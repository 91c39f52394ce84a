package io.imagebatch.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.PinnedRunner;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.TestNamespace;
import io.imagebatch.e2e.controlplane.node.NodeSimulator;
import io.imagebatch.e2e.controlplane.node.PodBehavior;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * spec.runner names an ImageRunner: missing, the batch is Stalled saying what to create; once it
 * exists, the batch pins its active colour's image and uses its default resources.
 */
@ExtendWith(ControlPlaneExtension.class)
class ImageRunnerLookupIT {

  @Test
  void aNamedImageRunnerThatIsMissingStallsTheBatchUntilItExists(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(PodBehavior.keepRunning());
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

      Runners.apply(
          client,
          ns.name(),
          """
          apiVersion: imagebatch.io/v1alpha1
          kind: ImageRunner
          metadata: { name: blue-green }
          spec:
            blue: { image: registry.example.com/runner:1.4.0 }
            green: { image: registry.example.com/runner:1.5.0 }
            active: green
            promotion: { strategy: Manual }
            defaults:
              resources: { requests: { cpu: 250m, memory: 300Mi }, limits: { memory: 600Mi } }
          """);

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
}
