package io.imagebatch.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.node.NodeSimulator;
import io.imagebatch.e2e.controlplane.node.PodBehavior;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Owner references work as in a cluster: the real garbage collector cascades deletion. */
@ExtendWith(ControlPlaneExtension.class)
@RequiresControllerManager
class GarbageCollectionIT {

  @Test
  void deletingTheOwnerDeletesItsJobsAndTheirPods(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(PodBehavior.keepRunning());
    ConfigMap owner =
        client
            .configMaps()
            .inNamespace(ns.name())
            .resource(
                new ConfigMapBuilder().withNewMetadata().withName("owner").endMetadata().build())
            .create();
    Job job =
        Jobs.indexed("owned", 2)
            .editMetadata()
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("v1")
                    .withKind("ConfigMap")
                    .withName(owner.getMetadata().getName())
                    .withUid(owner.getMetadata().getUid())
                    .build())
            .endMetadata()
            .build();
    client.batch().v1().jobs().inNamespace(ns.name()).resource(job).create();
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                Jobs.pods(client, ns.name(), "owned").stream()
                        .filter(p -> "Running".equals(p.getStatus().getPhase()))
                        .count()
                    == 2);

    client.configMaps().inNamespace(ns.name()).withName("owner").delete();

    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems())
                  .isEmpty();
              assertThat(client.pods().inNamespace(ns.name()).list().getItems()).isEmpty();
            });
  }
}
