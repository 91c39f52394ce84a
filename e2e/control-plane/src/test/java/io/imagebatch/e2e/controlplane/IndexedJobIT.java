package io.imagebatch.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.node.NodeSimulator;
import io.imagebatch.e2e.controlplane.node.PodBehavior;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real job controller makes one pod per index; the simulated node completes them. */
@ExtendWith(ControlPlaneExtension.class)
@RequiresControllerManager
class IndexedJobIT {

  @Test
  void indexedJobCompletesWhenEveryIndexSucceeds(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(PodBehavior.succeed());

    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns.name())
        .resource(Jobs.indexed("three", 3).build())
        .create();

    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> Jobs.condition(Jobs.get(client, ns.name(), "three"), "Complete").isPresent());
    assertThat(Jobs.pods(client, ns.name(), "three"))
        .extracting(
            p -> p.getMetadata().getAnnotations().get("batch.kubernetes.io/job-completion-index"))
        .containsExactlyInAnyOrder("0", "1", "2");
    assertThat(Jobs.get(client, ns.name(), "three").getStatus().getSucceeded()).isEqualTo(3);
  }
}
