package io.imagebatch.operator.metrics;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The operator's own metrics (JOSDK adds its per-controller reconciliation metrics next to these;
 * docs/operations.md lists them all with the alerts and the dashboard built on them).
 *
 * <p>Gauges are counted from the controllers' informer caches at scrape time, so they are never
 * stale; a label set (namespace, reason) is registered the first time a batch shows it. Counters
 * grow with each status transition by what changed between the two statuses ({@link Transition}).
 * Histograms take shard durations and Kueue queue waits from the Jobs and pods the reconciler
 * observes, each pod or Job once, and only those that finished after this operator started (so a
 * restart does not count them again).
 */
@Singleton
public class BatchMetrics {
  static final String NAMESPACE = "namespace";
  static final String REASON = "reason";

  private final MeterRegistry registry;
  private final Instant started;
  private final Counter reconciliations;
  private final AtomicInteger leader = new AtomicInteger();
  private final SeenOnce seen = new SeenOnce(10_000);
  private final Set<String> gauges = ConcurrentHashMap.newKeySet();
  private volatile Supplier<Collection<ImageBatch>> batches = List::of;
  private volatile Supplier<Collection<ImageRunner>> runners = List::of;

  @Inject
  public BatchMetrics(MeterRegistry registry) {
    this(registry, Instant.now());
  }

  BatchMetrics(MeterRegistry registry, Instant started) {
    this.registry = registry;
    this.started = started;
    this.reconciliations =
        Counter.builder("imagebatch.reconciliations")
            .description("ImageBatch reconciliations run")
            .register(registry);
    for (String kind : List.of("ImageBatch", "ImageRunner")) {
      reconciliationErrors(kind);
    }
    Gauge.builder("imagebatch.leader", leader::get)
        .description("1 while this replica holds the leader Lease and reconciles, else 0")
        .register(registry);
    Gauge.builder("imagebatch.imagerunners.degraded", () -> countRunners(BatchMetrics::degraded))
        .description("ImageRunners whose candidate failed verification (Degraded=True)")
        .register(registry);
  }

  /** Where the batch gauges read batches from (the ImageBatch controller's primary cache). */
  public void watch(Supplier<Collection<ImageBatch>> batches) {
    this.batches = batches;
  }

  /** Where the runner gauges read ImageRunners from (the ImageRunner controller's cache). */
  public void watchRunners(Supplier<Collection<ImageRunner>> runners) {
    this.runners = runners;
  }

  public void reconciled() {
    reconciliations.increment();
  }

  /** A reconciliation of {@code kind} threw (JOSDK retries it); for the reconcile-errors alert. */
  public void reconciliationFailed(String kind) {
    reconciliationErrors(kind).increment();
  }

  private Counter reconciliationErrors(String kind) {
    return Counter.builder("imagebatch.reconciliation.errors")
        .description("Reconciliations that threw, by kind (ImageBatch, ImageRunner)")
        .tag("kind", kind)
        .register(registry);
  }

  /** Leader election: this replica started (or stopped) leading. */
  public void leading(boolean leading) {
    leader.set(leading ? 1 : 0);
  }

  /**
   * A batch in {@code namespace} moved from {@code previous} to {@code next} (either may equal the
   * other: then nothing is counted).
   */
  public void transition(String namespace, ImageBatchStatus previous, ImageBatchStatus next) {
    registerGauges(namespace, next);
    Transition transition = Transition.between(previous, next);
    Progress progress = transition.progress();
    images(namespace, "succeeded").increment(progress.succeeded());
    images(namespace, "failed").increment(progress.failed());
    images(namespace, "skipped").increment(progress.skipped());
    Counter.builder("imagebatch.variants.written")
        .description("Variants written")
        .tag(NAMESPACE, namespace)
        .register(registry)
        .increment(progress.variants());
    bytes(namespace, "in").increment(progress.bytesIn());
    bytes(namespace, "out").increment(progress.bytesOut());
    transition
        .finished()
        .ifPresent(
            f ->
                Counter.builder("imagebatch.runs.finished")
                    .description("Runs that reached Succeeded or Failed, by phase and reason")
                    .tag(NAMESPACE, namespace)
                    .tag("phase", f.phase().name())
                    .tag(REASON, f.reason())
                    .register(registry)
                    .increment());
  }

  /**
   * What the reconciler observed of a batch's current run: shard pods that terminated give their
   * durations, Jobs that Kueue admitted (labelled with a queue, started) their queue wait.
   */
  public void observed(String namespace, Collection<Job> jobs, Collection<Pod> pods) {
    for (Pod pod : pods) {
      ShardDurations.of(pod)
          .filter(d -> d.finishedAt().isAfter(started) && seen.first(uid(pod)))
          .ifPresent(
              d ->
                  Timer.builder("imagebatch.shard.duration")
                      .description("How long a shard's runner container ran, by result")
                      .tag(NAMESPACE, namespace)
                      .tag("result", d.result())
                      .publishPercentileHistogram()
                      .minimumExpectedValue(Duration.ofSeconds(1))
                      .maximumExpectedValue(Duration.ofHours(6))
                      .register(registry)
                      .record(d.duration()));
    }
    for (Job job : jobs) {
      QueueWaits.of(job)
          .filter(w -> w.admittedAt().isAfter(started) && seen.first(uid(job)))
          .ifPresent(
              w ->
                  Timer.builder("imagebatch.queue.wait")
                      .description(
                          "How long a Job waited for Kueue's admission (created suspended until"
                              + " started), by component (plan, process)")
                      .tag(NAMESPACE, namespace)
                      .tag("component", w.component())
                      .publishPercentileHistogram()
                      .minimumExpectedValue(Duration.ofSeconds(1))
                      .maximumExpectedValue(Duration.ofHours(24))
                      .register(registry)
                      .record(w.waited()));
    }
  }

  public MeterRegistry registry() {
    return registry;
  }

  private Counter images(String namespace, String result) {
    return Counter.builder("imagebatch.images")
        .description("Source images done, by result (succeeded, failed, skipped)")
        .tag(NAMESPACE, namespace)
        .tag("result", result)
        .register(registry);
  }

  private Counter bytes(String namespace, String direction) {
    return Counter.builder("imagebatch.bytes")
        .description("Bytes of written variants: in (source bytes read), out (variant bytes)")
        .baseUnit("bytes")
        .tag(NAMESPACE, namespace)
        .tag("direction", direction)
        .register(registry);
  }

  /** Each gauge is registered once, the first time a batch shows its label set. */
  private void registerGauges(String namespace, ImageBatchStatus status) {
    for (Phase phase : Phase.values()) {
      gauge(
          "imagebatch.batches",
          "ImageBatches by phase",
          namespace,
          "phase",
          phase.name(),
          b -> phaseOf(b) == phase);
    }
    if (status == null) {
      return;
    }
    if (status.phase() == Phase.Failed) {
      Transition.reason(status, "Failed")
          .ifPresent(
              r ->
                  gauge(
                      "imagebatch.batches.failed",
                      "ImageBatches whose run failed, by the Failed condition's reason",
                      namespace,
                      REASON,
                      r,
                      b -> phaseOf(b) == Phase.Failed && reasonIs(b, "Failed", r)));
    } else {
      Transition.reason(status, "Stalled")
          .ifPresent(
              r ->
                  gauge(
                      "imagebatch.batches.stalled",
                      "ImageBatches that cannot progress until something is fixed (Stalled=True,"
                          + " not Failed), by reason",
                      namespace,
                      REASON,
                      r,
                      b -> phaseOf(b) != Phase.Failed && reasonIs(b, "Stalled", r)));
    }
    Transition.reason(status, "Reconciling")
        .ifPresent(
            r ->
                gauge(
                    "imagebatch.batches.reconciling",
                    "ImageBatches in progress (Reconciling=True), by reason, e.g."
                        + " WaitingForAdmission",
                    namespace,
                    REASON,
                    r,
                    b -> reasonIs(b, "Reconciling", r)));
  }

  private void gauge(
      String name,
      String description,
      String namespace,
      String key,
      String value,
      Predicate<ImageBatch> matches) {
    // Micrometer warns on every repeated registration of a gauge (one per reconciliation here).
    if (!gauges.add(name + '\0' + namespace + '\0' + key + '\0' + value)) {
      return;
    }
    Gauge.builder(name, () -> countBatches(namespace, matches))
        .description(description)
        .tag(NAMESPACE, namespace)
        .tag(key, value)
        .register(registry);
  }

  private double countBatches(String namespace, Predicate<ImageBatch> matches) {
    return batches.get().stream()
        .filter(b -> namespace.equals(b.getMetadata().getNamespace()))
        .filter(matches)
        .count();
  }

  private double countRunners(Predicate<ImageRunner> matches) {
    return runners.get().stream().filter(matches).count();
  }

  private static Phase phaseOf(ImageBatch batch) {
    return batch.getStatus() == null ? null : batch.getStatus().phase();
  }

  private static boolean reasonIs(ImageBatch batch, String type, String reason) {
    return Transition.reason(batch.getStatus(), type).map(reason::equals).orElse(false);
  }

  private static boolean degraded(ImageRunner runner) {
    return runner.getStatus() != null
        && runner.getStatus().conditions() != null
        && runner.getStatus().conditions().stream()
            .anyMatch(c -> "Degraded".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String uid(HasMetadata object) {
    return object.getMetadata().getUid();
  }
}
