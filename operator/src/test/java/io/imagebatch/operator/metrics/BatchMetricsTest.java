package io.imagebatch.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ImageCounts;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.VariantCounts;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.imagebatch.api.v1alpha1.ImageRunnerStatus;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The operator's metrics, computed from what the reconcilers hand over: status transitions
 * (counters), the informer caches (gauges, read at scrape time) and observed Jobs and pods
 * (histograms).
 */
class BatchMetricsTest {

  private static final Instant STARTED = Instant.parse("2026-11-24T10:00:00Z");
  private static final String T0 = "2026-11-24T10:00:00Z";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final BatchMetrics metrics = new BatchMetrics(registry, STARTED);

  private static ImageBatchStatus status(
      Phase phase, String startTime, ImageCounts images, VariantCounts variants, Condition... c) {
    return new ImageBatchStatus(
        1L, phase, null, images, null, variants, null, null, startTime, null, List.of(c), null);
  }

  private static Condition condition(String type, String status, String reason) {
    return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).build();
  }

  private double images(String result) {
    return registry
        .get("imagebatch.images")
        .tags("namespace", "shop", "result", result)
        .counter()
        .count();
  }

  private double bytes(String direction) {
    return registry
        .get("imagebatch.bytes")
        .tags("namespace", "shop", "direction", direction)
        .counter()
        .count();
  }

  @Test
  void imagesVariantsAndBytesGrowByWhatChangedBetweenTwoStatuses() {
    ImageBatchStatus planned =
        status(Phase.Running, T0, new ImageCounts(400L, 0L, 0L, 0L), new VariantCounts(0L, 0L, 0L));
    ImageBatchStatus half =
        status(
            Phase.Running,
            T0,
            new ImageCounts(400L, 150L, 2L, 48L),
            new VariantCounts(300L, 9_000L, 1_000L));
    ImageBatchStatus done =
        status(
            Phase.Succeeded,
            T0,
            new ImageCounts(400L, 340L, 4L, 56L),
            new VariantCounts(680L, 20_000L, 2_500L));

    metrics.transition("shop", null, planned);
    metrics.transition("shop", planned, half);
    metrics.transition("shop", half, half); // a reconciliation that changed nothing
    metrics.transition("shop", half, done);

    assertThat(images("succeeded")).isEqualTo(340.0);
    assertThat(images("failed")).isEqualTo(4.0);
    assertThat(images("skipped")).isEqualTo(56.0);
    assertThat(registry.get("imagebatch.variants.written").counter().count()).isEqualTo(680.0);
    assertThat(bytes("in")).isEqualTo(20_000.0);
    assertThat(bytes("out")).isEqualTo(2_500.0);
  }

  @Test
  void aNewRunCountsFromZeroAndSmallerCountsWithinARunAddNothing() {
    ImageBatchStatus firstRun =
        status(Phase.Succeeded, T0, new ImageCounts(10L, 10L, 0L, 0L), null);
    ImageBatchStatus rebuilt = status(Phase.Running, T0, new ImageCounts(10L, 7L, 0L, 0L), null);
    ImageBatchStatus secondRun =
        status(Phase.Running, "2026-11-24T11:00:00Z", new ImageCounts(10L, 3L, 0L, 7L), null);

    metrics.transition("shop", null, firstRun);
    metrics.transition("shop", firstRun, rebuilt);
    metrics.transition("shop", rebuilt, secondRun);

    assertThat(images("succeeded")).isEqualTo(13.0);
    assertThat(images("skipped")).isEqualTo(7.0);
  }

  @Test
  void aFinishedRunCountsOnceByPhaseAndReason() {
    ImageBatchStatus running =
        status(Phase.Running, T0, null, null, condition("Reconciling", "True", "Running"));
    ImageBatchStatus failed =
        status(
            Phase.Failed,
            T0,
            null,
            null,
            condition("Failed", "True", "TooManyFailedImages"),
            condition("Stalled", "True", "TooManyFailedImages"));
    ImageBatchStatus succeeded =
        status(Phase.Succeeded, T0, null, null, condition("Complete", "True", "Succeeded"));

    metrics.transition("shop", running, failed);
    metrics.transition("shop", failed, failed);
    metrics.transition("media", null, succeeded);

    assertThat(
            registry
                .get("imagebatch.runs.finished")
                .tags("namespace", "shop", "phase", "Failed", "reason", "TooManyFailedImages")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(
            registry
                .get("imagebatch.runs.finished")
                .tags("namespace", "media", "phase", "Succeeded", "reason", "Succeeded")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(registry.find("imagebatch.runs.finished").counters()).hasSize(2);
  }

  @Test
  void gaugesCountTheCachedBatchesAtScrapeTime() {
    List<ImageBatch> cache = new ArrayList<>();
    metrics.watch(() -> cache);
    ImageBatchStatus stalled =
        status(
            Phase.Pending,
            null,
            null,
            null,
            condition("Stalled", "True", "SecretNotFound"),
            condition("Reconciling", "False", "SecretNotFound"));
    ImageBatchStatus failed =
        status(
            Phase.Failed,
            T0,
            null,
            null,
            condition("Failed", "True", "PlanFailed"),
            condition("Stalled", "True", "PlanFailed"));
    ImageBatchStatus waiting =
        status(
            Phase.Pending, T0, null, null, condition("Reconciling", "True", "WaitingForAdmission"));
    cache.add(batch("shop", "a", stalled));
    cache.add(batch("shop", "b", failed));
    cache.add(batch("shop", "c", waiting));
    cache.add(batch("media", "d", waiting));
    metrics.transition("shop", null, stalled);
    metrics.transition("shop", null, failed);
    metrics.transition("shop", null, waiting);

    assertThat(gauge("imagebatch.batches", "phase", "Pending")).isEqualTo(2.0);
    assertThat(gauge("imagebatch.batches", "phase", "Failed")).isEqualTo(1.0);
    assertThat(gauge("imagebatch.batches", "phase", "Running")).isZero();
    assertThat(gauge("imagebatch.batches.stalled", "reason", "SecretNotFound")).isEqualTo(1.0);
    assertThat(registry.find("imagebatch.batches.stalled").tag("reason", "PlanFailed").gauge())
        .as("a failed batch is Stalled too, but counts as failed, not stalled")
        .isNull();
    assertThat(gauge("imagebatch.batches.failed", "reason", "PlanFailed")).isEqualTo(1.0);
    assertThat(gauge("imagebatch.batches.reconciling", "reason", "WaitingForAdmission"))
        .as("media's batch is not counted in shop")
        .isEqualTo(1.0);

    cache.removeFirst(); // deleted, or fixed: the next scrape says so
    assertThat(gauge("imagebatch.batches.stalled", "reason", "SecretNotFound")).isZero();
    assertThat(gauge("imagebatch.batches", "phase", "Pending")).isEqualTo(1.0);
  }

  @Test
  void degradedImageRunnersAreCountedFromTheirCache() {
    ImageRunner degraded = new ImageRunner();
    degraded.setStatus(
        new ImageRunnerStatus(
            1L, null, null, null, null, List.of(condition("Degraded", "True", "Failed"))));
    ImageRunner ready = new ImageRunner();
    ready.setStatus(
        new ImageRunnerStatus(
            1L, null, null, null, null, List.of(condition("Degraded", "False", "Verified"))));
    metrics.watchRunners(() -> List.of(degraded, ready, new ImageRunner()));

    assertThat(registry.get("imagebatch.imagerunners.degraded").gauge().value()).isEqualTo(1.0);
  }

  @Test
  void theLeaderGaugeFollowsLeaderElection() {
    assertThat(registry.get("imagebatch.leader").gauge().value()).isZero();
    metrics.leading(true);
    assertThat(registry.get("imagebatch.leader").gauge().value()).isEqualTo(1.0);
    metrics.leading(false);
    assertThat(registry.get("imagebatch.leader").gauge().value()).isZero();
  }

  @Test
  void eachTerminatedShardPodIsTimedOnceAndOnlyIfItFinishedAfterTheOperatorStarted() {
    Pod done = shardPod("p1", "process", 0, "2026-11-24T10:01:00Z", "2026-11-24T10:01:30Z");
    Pod failed = shardPod("p2", "process", 4, "2026-11-24T10:01:00Z", "2026-11-24T10:03:00Z");
    Pod before = shardPod("p3", "process", 0, "2026-11-24T09:00:00Z", "2026-11-24T09:59:00Z");
    Pod plan = shardPod("p4", "plan", 0, "2026-11-24T10:01:00Z", "2026-11-24T10:01:05Z");

    metrics.observed("shop", List.of(), List.of(done, failed, before, plan));
    metrics.observed("shop", List.of(), List.of(done, failed));

    Timer succeeded =
        registry
            .get("imagebatch.shard.duration")
            .tags("namespace", "shop", "result", "succeeded")
            .timer();
    assertThat(succeeded.count()).isEqualTo(1);
    assertThat(succeeded.totalTime(TimeUnit.SECONDS)).isEqualTo(30.0);
    Timer failure =
        registry
            .get("imagebatch.shard.duration")
            .tags("namespace", "shop", "result", "failed")
            .timer();
    assertThat(failure.count()).isEqualTo(1);
    assertThat(failure.totalTime(TimeUnit.SECONDS)).isEqualTo(120.0);
  }

  @Test
  void aQueuedJobsWaitForAdmissionIsTimedOnce() {
    Job admitted =
        job("j1", "process", "image-jobs", "2026-11-24T10:00:10Z", "2026-11-24T10:02:10Z");
    Job waiting = job("j2", "plan", "image-jobs", "2026-11-24T10:00:10Z", null);
    Job unqueued = job("j3", "process", null, "2026-11-24T10:00:10Z", "2026-11-24T10:00:11Z");

    metrics.observed("shop", List.of(admitted, waiting, unqueued), List.of());
    metrics.observed("shop", List.of(admitted), List.of());

    Timer wait =
        registry
            .get("imagebatch.queue.wait")
            .tags("namespace", "shop", "component", "process")
            .timer();
    assertThat(wait.count()).isEqualTo(1);
    assertThat(wait.totalTime(TimeUnit.SECONDS)).isEqualTo(120.0);
    assertThat(registry.find("imagebatch.queue.wait").timers()).hasSize(1);
  }

  @Test
  void failedReconciliationsAreCountedByKindFromZero() {
    assertThat(
            registry
                .get("imagebatch.reconciliation.errors")
                .tag("kind", "ImageRunner")
                .counter()
                .count())
        .isZero();

    metrics.reconciliationFailed("ImageBatch");

    assertThat(
            registry
                .get("imagebatch.reconciliation.errors")
                .tag("kind", "ImageBatch")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void reconciliationsAreCounted() {
    metrics.reconciled();
    metrics.reconciled();

    assertThat(registry.get("imagebatch.reconciliations").counter().count()).isEqualTo(2.0);
  }

  private double gauge(String name, String key, String value) {
    return registry.get(name).tags("namespace", "shop", key, value).gauge().value();
  }

  private static ImageBatch batch(String namespace, String name, ImageBatchStatus status) {
    ImageBatch batch = new ImageBatch();
    batch.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    batch.setStatus(status);
    return batch;
  }

  private static Pod shardPod(
      String uid, String component, int exitCode, String startedAt, String finishedAt) {
    return new PodBuilder()
        .withNewMetadata()
        .withUid(uid)
        .withLabels(Map.of("app.kubernetes.io/component", component))
        .endMetadata()
        .withNewStatus()
        .addNewContainerStatus()
        .withName("runner")
        .withNewState()
        .withNewTerminated()
        .withExitCode(exitCode)
        .withStartedAt(startedAt)
        .withFinishedAt(finishedAt)
        .endTerminated()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  private static Job job(
      String uid, String component, String queue, String created, String startTime) {
    Map<String, String> labels = new java.util.HashMap<>();
    labels.put("app.kubernetes.io/component", component);
    if (queue != null) {
      labels.put("kueue.x-k8s.io/queue-name", queue);
    }
    return new JobBuilder()
        .withNewMetadata()
        .withUid(uid)
        .withCreationTimestamp(created)
        .withLabels(labels)
        .endMetadata()
        .withNewStatus()
        .withStartTime(startTime)
        .endStatus()
        .build();
  }
}
