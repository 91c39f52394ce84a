package io.imagebatch.operator;

import static io.imagebatch.operator.Batches.component;
import static io.imagebatch.operator.Batches.index;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Shard results are never lost (issue 14): 3 shards of 10 images, and succeeded shard pods deleted
 * at the worst moments. Before the operator held a finalizer on its pods, each case lost a shard:
 * the batch sat at Running 20/30 for good, or its counts went backwards. The operator runs as the
 * chart's ServiceAccount (it patches pods to release them).
 */
@ExtendWith(ControlPlaneExtension.class)
@RequiresControllerManager
class ShardResultsIT {
  private static final Duration LIMIT = Duration.ofMinutes(2);
  private static final ImageCounts ALL = new ImageCounts(30L, 30L, 0L, 0L);

  private static PodBehavior runner(String batch) {
    return PodBehavior.scripted(
        pod ->
            Labels.PLAN.equals(component(pod))
                ? Batches.plan(30, 3, batch)
                : Batches.shard(index(pod), 10, 0));
  }

  /** Shards 0 and 1 succeed; shard 2 runs until the test ends it. */
  private static PodBehavior shardTwoKeepsRunning(String batch) {
    return pod ->
        Labels.PLAN.equals(component(pod))
            ? Optional.of(Batches.plan(30, 3, batch))
            : index(pod) == 2 ? Optional.empty() : Optional.of(Batches.shard(index(pod), 10, 0));
  }

  @Test
  void aSucceededPodDeletedWhileTheOperatorIsStoppedIsStillCounted(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    try (ChartServiceAccount account = ChartServiceAccount.install(client, ns.name())) {
      // Shards 0 and 1 succeed; shard 2 runs until the operator is gone.
      node.behavior(shardTwoKeepsRunning("lost"));
      try (var _ = operator(client, account, ns)) {
        Batches.create(client, ns.name(), Batches.yaml("lost", 10, ""));
        await().atMost(LIMIT).until(() -> folded(client, ns, "lost"), "0-1"::equals);
      }
      Pod last = awaitPod(client, ns, 2);
      node.terminate(last.getMetadata().getName(), Batches.shard(2, 10, 0));
      await().atMost(LIMIT).until(() -> succeeded(client, ns, 2));
      delete(client, ns, shardPod(client, ns, 2));

      try (var _ = operator(client, account, ns)) {
        awaitSucceeded(client, ns, "lost");
      }
      assertThat(Batches.get(client, ns.name(), "lost").getStatus().images()).isEqualTo(ALL);
      assertThat(Batches.pods(client, ns.name(), Labels.PROCESS))
          .noneMatch(p -> p.getMetadata().getName().equals(last.getMetadata().getName()));
    }
  }

  @Test
  void countsNeverGoBackwardsWhenASucceededPodIsDeleted(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    try (ChartServiceAccount account = ChartServiceAccount.install(client, ns.name())) {
      node.behavior(shardTwoKeepsRunning("steady"));
      List<Long> seen = new ArrayList<>();
      try (var _ = operator(client, account, ns)) {
        Batches.create(client, ns.name(), Batches.yaml("steady", 10, ""));
        await().atMost(LIMIT).until(() -> folded(client, ns, "steady"), "0-1"::equals);
        delete(client, ns, shardPod(client, ns, 0));
        await()
            .atMost(LIMIT)
            .until(
                () ->
                    Batches.pods(client, ns.name(), Labels.PROCESS).stream()
                        .noneMatch(p -> index(p) == 0));
        seen.add(Batches.get(client, ns.name(), "steady").getStatus().images().succeeded());
        node.terminate(awaitPod(client, ns, 2).getMetadata().getName(), Batches.shard(2, 10, 0));
        awaitSucceeded(client, ns, "steady");
      }
      assertThat(seen).containsExactly(20L);
      assertThat(Batches.get(client, ns.name(), "steady").getStatus().images()).isEqualTo(ALL);
    }
  }

  @Test
  void aPodDeletedTheMomentItSucceedsIsCounted(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    try (ChartServiceAccount account = ChartServiceAccount.install(client, ns.name())) {
      node.behavior(
          pod ->
              Labels.PLAN.equals(component(pod))
                  ? Optional.of(Batches.plan(30, 3, "quick"))
                  : Optional.empty());
      try (var _ = operator(client, account, ns)) {
        Batches.create(client, ns.name(), Batches.yaml("quick", 10, ""));
        for (int i = 0; i < 3; i++) {
          Pod pod = awaitPod(client, ns, i);
          node.terminate(pod.getMetadata().getName(), Batches.shard(i, 10, 0));
          delete(client, ns, pod);
        }
        awaitSucceeded(client, ns, "quick");
      }
      ImageBatchStatus status = Batches.get(client, ns.name(), "quick").getStatus();
      assertThat(status.images()).isEqualTo(ALL);
      assertThat(status.shards().folded()).isEqualTo("0-2");
      assertThat(status.shards().unknown()).isNull();
    }
  }

  /** A pod without the finalizer (made before this version) deleted before it was read. */
  @Test
  void aSucceededIndexWhosePodIsGoneIsCountedFromTheJobAsUnknown(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    try (ChartServiceAccount account = ChartServiceAccount.install(client, ns.name())) {
      node.behavior(runner("old"));
      try (var _ = operator(client, account, ns)) {
        Batches.create(client, ns.name(), sequential("old"));
        await().atMost(LIMIT).until(() -> awaitPod(client, ns, 0) != null);
      }
      await().atMost(LIMIT).until(() -> succeeded(client, ns, 2));
      Pod pod = shardPod(client, ns, 1);
      client
          .pods()
          .inNamespace(ns.name())
          .withName(pod.getMetadata().getName())
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
      delete(client, ns, pod);

      try (var _ = operator(client, account, ns)) {
        awaitSucceeded(client, ns, "old");
      }
      ImageBatch done = Batches.get(client, ns.name(), "old");
      assertThat(done.getStatus().images()).isEqualTo(new ImageCounts(30L, 20L, 0L, 0L));
      assertThat(done.getStatus().shards().unknown()).isEqualTo("1");
      assertThat(Batches.condition(done, "Complete").orElseThrow().getMessage())
          .isEqualTo(
              "30 images: 20 succeeded, 0 failed, 0 skipped; the image counts of 1 shards are"
                  + " unknown (their pods were gone before their summaries were read)");
    }
  }

  /** The TTL controller deletes a finished Job while the operator is away: nothing runs again. */
  @Test
  void aFinishedJobRemovedByItsTtlNeverRunsTheBatchAgain(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    try (ChartServiceAccount account = ChartServiceAccount.install(client, ns.name())) {
      node.behavior(runner("ttl"));
      try (var _ = operator(client, account, ns)) {
        Batches.create(client, ns.name(), Batches.yaml("ttl", 10, "ttlSecondsAfterFinished: 0"));
        await()
            .atMost(LIMIT)
            .until(
                () ->
                    client.batch().v1().jobs().inNamespace(ns.name()).withName("ttl-g1").get()
                        != null);
      }
      await()
          .atMost(LIMIT)
          .until(
              () ->
                  Batches.jobs(client, ns.name()).stream()
                      .allMatch(j -> j.getMetadata().getDeletionTimestamp() != null));

      try (var _ = operator(client, account, ns)) {
        awaitSucceeded(client, ns, "ttl");
        await().atMost(LIMIT).until(() -> Batches.jobs(client, ns.name()).isEmpty());
      }
      assertThat(Batches.get(client, ns.name(), "ttl").getStatus().images()).isEqualTo(ALL);
      assertThat(Batches.pods(client, ns.name(), Labels.PLAN))
          .as("planned once")
          .hasSizeLessThanOrEqualTo(1);
      assertThat(Batches.jobs(client, ns.name())).isEmpty();
    }
  }

  /** A crash after the status write that folds a shard, before its pod's finalizer goes. */
  @Test
  void killingTheOperatorBetweenTheStatusWriteAndTheFinalizerRemovalLosesNothing(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    try (ChartServiceAccount account = ChartServiceAccount.install(client, ns.name())) {
      node.behavior(runner("crash"));
      AtomicBoolean crashed = new AtomicBoolean();
      try (var operator = operator(client, account, ns)) {
        operator
            .reconciler()
            .afterStatusWrite(
                (batch, written) -> {
                  boolean folds = written.shards() != null && written.shards().folded() != null;
                  if (folds && !crashed.get()) {
                    crashed.set(true);
                    throw new IllegalStateException(
                        "crash between the status write and the release");
                  }
                });
        Batches.create(client, ns.name(), sequential("crash"));
        await().atMost(LIMIT).until(crashed::get);
      }
      awaitSucceededOrHeld(client, ns);

      try (var _ = operator(client, account, ns)) {
        awaitSucceeded(client, ns, "crash");
        await()
            .atMost(LIMIT)
            .until(
                () ->
                    Batches.pods(client, ns.name(), Labels.PROCESS).stream()
                        .noneMatch(ShardResultFinalizer::held));
      }
      assertThat(Batches.get(client, ns.name(), "crash").getStatus().images()).isEqualTo(ALL);
    }
  }

  private static void awaitSucceededOrHeld(KubernetesClient client, TestNamespace ns) {
    // The crashed pass left a written status; the operator is stopped, so its pods stay held.
    await().atMost(LIMIT).until(() -> Batches.get(client, ns.name(), "crash").getStatus() != null);
  }

  /** A batch of 3 shards of 10, one pod at a time. */
  private static String sequential(String name) {
    return Batches.yaml(name, 10, "").replace("parallelism: 2", "parallelism: 1");
  }

  private static InProcessOperator operator(
      KubernetesClient client, ChartServiceAccount account, TestNamespace ns) {
    return InProcessOperator.start(
        client, account.client(), InProcessOperator.settings(), ns.name());
  }

  private static String folded(KubernetesClient client, TestNamespace ns, String batch) {
    ImageBatch b = Batches.get(client, ns.name(), batch);
    return b == null || b.getStatus() == null || b.getStatus().shards() == null
        ? null
        : b.getStatus().shards().folded();
  }

  private static void awaitSucceeded(KubernetesClient client, TestNamespace ns, String batch) {
    await()
        .atMost(LIMIT)
        .until(
            () -> {
              ImageBatch b = Batches.get(client, ns.name(), batch);
              return b != null && b.getStatus() != null && b.getStatus().phase() == Phase.Succeeded;
            });
  }

  private static Pod awaitPod(KubernetesClient client, TestNamespace ns, int index) {
    return await().atMost(LIMIT).until(() -> shardPodOrNull(client, ns, index), p -> p != null);
  }

  private static Pod shardPod(KubernetesClient client, TestNamespace ns, int index) {
    return Optional.ofNullable(shardPodOrNull(client, ns, index)).orElseThrow();
  }

  private static Pod shardPodOrNull(KubernetesClient client, TestNamespace ns, int index) {
    return Batches.pods(client, ns.name(), Labels.PROCESS).stream()
        .filter(p -> index(p) == index)
        .findFirst()
        .orElse(null);
  }

  private static boolean succeeded(KubernetesClient client, TestNamespace ns, int index) {
    Pod pod = shardPodOrNull(client, ns, index);
    return pod != null && "Succeeded".equals(pod.getStatus().getPhase());
  }

  private static void delete(KubernetesClient client, TestNamespace ns, Pod pod) {
    client
        .pods()
        .inNamespace(ns.name())
        .withName(pod.getMetadata().getName())
        .withGracePeriod(0)
        .delete();
  }
}
