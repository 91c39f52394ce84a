package io.imagebatch.operator;

import static io.imagebatch.operator.Batches.component;
import static io.imagebatch.operator.Batches.index;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ImageCounts;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.RequiresControllerManager;
import io.imagebatch.e2e.controlplane.TestNamespace;
import io.imagebatch.e2e.controlplane.node.NodeSimulator;
import io.imagebatch.e2e.controlplane.node.PodBehavior;
import io.imagebatch.operator.workload.Labels;
import io.imagebatch.operator.workload.ShardResultFinalizer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Thousands of shards, simulated: the packaged operator (as the chart's ServiceAccount) folds every
 * shard's summary exactly once, with 20 failed images, and releases every pod. Prints the
 * operator's CPU time, its peak RSS and the status size (docs/benchmarks.md, "5,000 shards"). CI
 * runs 1,000 shards, which already needs the fold's paging and pruning; the benchmark's 5,000 take
 * {@code -Dimagebatch.scale.shards=5000}.
 */
@ExtendWith(ControlPlaneExtension.class)
@RequiresControllerManager
class ManyShardsIT {
  private static final int SHARDS = Integer.getInteger("imagebatch.scale.shards", 1000);
  private static final int PER_SHARD = 10;
  private static final int FAILURES = 20;
  private static final int MAX_RESTARTS = 3;

  @Test
  void thousandsOfShardsCompleteWithExactCounts(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) throws Exception {
    InProcessOperator.installCrds(client);
    node.behavior(
        PodBehavior.scripted(
            pod ->
                Labels.PLAN.equals(component(pod))
                    ? Batches.plan((long) SHARDS * PER_SHARD, SHARDS, "many")
                    : Batches.shard(index(pod), PER_SHARD, index(pod) < FAILURES ? 1 : 0)));
    try (ChartServiceAccount account = ChartServiceAccount.install(client, ns.name());
        SupervisedOperator operator =
            new SupervisedOperator("many", account, ns.name(), List.of("-Xmx256m"), MAX_RESTARTS)) {
      long started = System.nanoTime();
      Batches.create(
          client,
          ns.name(),
          """
          apiVersion: imagebatch.io/v1alpha1
          kind: ImageBatch
          metadata: { name: many }
          spec:
            source: { s3: { bucket: raw, credentialsSecret: s3-credentials } }
            variants: [ { name: thumb, width: 400, formats: [webp] } ]
            output: { s3: { bucket: derived, credentialsSecret: s3-credentials } }
            execution: { imagesPerShard: 10, parallelism: 1000, maxFailedImages: 20 }
          """);
      await()
          .atMost(Duration.ofMinutes(20))
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () -> {
                operator.check();
                return phase(client, ns) == Phase.Succeeded || phase(client, ns) == Phase.Failed;
              });
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      ImageBatch done = Batches.get(client, ns.name(), "many");
      ImageBatchStatus status = done.getStatus();
      assertThat(status.phase()).as(String.valueOf(status.conditions())).isEqualTo(Phase.Succeeded);
      assertThat(status.images())
          .isEqualTo(
              new ImageCounts(
                  (long) SHARDS * PER_SHARD,
                  (long) SHARDS * PER_SHARD - FAILURES,
                  (long) FAILURES,
                  0L));
      assertThat(status.shards().total()).isEqualTo(SHARDS);
      assertThat(status.shards().succeeded()).isEqualTo(SHARDS);
      assertThat(status.shards().folded()).isEqualTo("0-" + (SHARDS - 1));
      assertThat(status.shards().unknown()).isNull();
      assertThat(status.variants().written())
          .isEqualTo(2L * ((long) SHARDS * PER_SHARD - FAILURES));
      assertThat(status.failures()).hasSize(FAILURES);
      await()
          .atMost(Duration.ofMinutes(5))
          .until(
              () ->
                  Batches.pods(client, ns.name(), Labels.PROCESS).stream()
                      .noneMatch(ShardResultFinalizer::held));

      int statusBytes =
          client
              .getKubernetesSerialization()
              .asJson(status)
              .getBytes(StandardCharsets.UTF_8)
              .length;
      int objectBytes =
          client.getKubernetesSerialization().asJson(done).getBytes(StandardCharsets.UTF_8).length;
      assertThat(objectBytes).as("the ImageBatch, well under etcd's 1.5 MiB").isLessThan(64 * 1024);
      operator.check();
      System.out.printf(
          "OPERATOR %d SHARDS: succeeded after %.1f s; operator CPU time %.1f s (user+system,"
              + " whole process%s); peak RSS %d MiB (VmHWM, -Xmx256m); status %d bytes, whole"
              + " ImageBatch %d bytes%n",
          SHARDS,
          took.toMillis() / 1000.0,
          operator.cpuSeconds(),
          operator.restarts() == 0
              ? ""
              : ", " + operator.restarts() + " restarts after losing the Lease, all instances",
          operator.peakRssKib() >> 10,
          statusBytes,
          objectBytes);
    }
  }

  private static Phase phase(KubernetesClient client, TestNamespace ns) {
    ImageBatch batch = Batches.get(client, ns.name(), "many");
    return batch == null || batch.getStatus() == null ? null : batch.getStatus().phase();
  }
}
