package io.imagebatch.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.Kubectl;
import io.imagebatch.e2e.controlplane.TestNamespace;
import io.imagebatch.e2e.kueue.Kueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/kueue on the real node, with Kueue's real manager (built from its Go module, running
 * beside the API server): the batch's Jobs are created suspended and wait until Kueue admits them
 * from the example's queues (applied unchanged, in the example's namespace {@code shop}).
 */
@RealNode
class KueueExampleE2E {

  @Test
  void theKueueExampleWaitsForKueueThenIsAdmittedAndCompletes(
      KubernetesClient client, Kubectl kubectl, RealCluster cluster, @TempDir Path dir)
      throws Exception {
    TestNamespace shop = new TestNamespace("shop");
    client.namespaces().withName("shop").delete();
    await("no namespace shop")
        .atMost(Duration.ofMinutes(2))
        .until(() -> client.namespaces().withName("shop").get() == null);
    cluster.createNamespace("shop");
    try {
      HostVolumes.copy(
          RealCluster.repoRoot().resolve("examples/local/images"),
          HostVolumes.create(client, cluster, shop, "uploads", true).resolve("archive"));
      HostVolumes.create(client, cluster, shop, "derived-images", true);
      // What a user of one small node changes: fewer, smaller pods (Kueue counts their requests).
      Example batch =
          Example.load("kueue/batch.yaml")
              .set("spec.execution.parallelism", 2)
              .set("spec.execution.resources.requests", Map.of("cpu", "500m", "memory", "1Gi"));
      kubectl.run("apply", "-f", batch.write(dir).toString()).orThrow();

      // No Kueue yet: the planning Job waits, suspended, with the queue's label, and runs nothing.
      String planJob = batch.name() + "-plan-g1";
      await("planning Job created")
          .atMost(Duration.ofMinutes(2))
          .until(() -> job(client, planJob) != null);
      assertThat(job(client, planJob).getSpec().getSuspend()).isTrue();
      assertThat(job(client, planJob).getMetadata().getLabels())
          .containsEntry("kueue.x-k8s.io/queue-name", "image-jobs");
      assertThat(client.pods().inNamespace("shop").list().getItems()).isEmpty();

      try (Kueue kueue = Kueue.start(client, cluster.env().kubeconfig(), RealCluster.workDir())) {
        kubectl
            .run(
                "apply",
                "-f",
                RealCluster.repoRoot().resolve("examples/kueue/queues.yaml").toString())
            .orThrow();
        var wait =
            kubectl.run(
                "-n",
                "shop",
                "wait",
                "--for=condition=Complete",
                "ib/" + batch.name(),
                "--timeout=10m");
        assertThat(wait.succeeded())
            .as(Batches.describe(client, shop, batch.name()) + "\nKueue:\n" + kueue.logTail())
            .isTrue();
        for (String name : List.of(planJob, batch.name() + "-g1")) {
          assertThat(Kueue.admitted(kueue.workloadOf("shop", name)))
              .as(name + "'s Workload admitted")
              .isTrue();
        }
        assertThat(Batches.get(client, shop, batch.name()).getStatus().images().succeeded())
            .isEqualTo(6);
      }
    } finally {
      kubectl.run(
          "delete",
          "-f",
          RealCluster.repoRoot().resolve("examples/kueue/queues.yaml").toString(),
          "--ignore-not-found");
      cluster.deleteNamespace(shop);
    }
  }

  private static Job job(KubernetesClient client, String name) {
    return client.batch().v1().jobs().inNamespace("shop").withName(name).get();
  }
}
