package io.imagebatch.operator.metrics;

import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * The operator's own metrics (JOSDK adds its per-controller reconciliation metrics next to these):
 * {@code imagebatch_reconciliations_total}, {@code imagebatch_batches{phase}} (from the informer
 * cache, at scrape time), and {@code imagebatch_images_total{result}} counted once per finished
 * run.
 */
@Singleton
public class BatchMetrics {
  private final MeterRegistry registry;
  private final Counter reconciliations;
  private final Counter processed;
  private final Counter failed;
  private volatile Supplier<Collection<ImageBatch>> batches = List::of;

  public BatchMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.reconciliations =
        Counter.builder("imagebatch.reconciliations")
            .description("ImageBatch reconciliations run")
            .register(registry);
    this.processed =
        Counter.builder("imagebatch.images")
            .tag("result", "processed")
            .description("Images of finished runs, by result")
            .register(registry);
    this.failed =
        Counter.builder("imagebatch.images")
            .tag("result", "failed")
            .description("Images of finished runs, by result")
            .register(registry);
    for (Phase phase : Phase.values()) {
      Gauge.builder("imagebatch.batches", () -> count(phase))
          .tag("phase", phase.name())
          .description("ImageBatches by phase")
          .register(registry);
    }
  }

  /** Where the gauges read batches from (the controller's primary cache). */
  public void watch(Supplier<Collection<ImageBatch>> batches) {
    this.batches = batches;
  }

  public void reconciled() {
    reconciliations.increment();
  }

  /** A run finished: its images count once. */
  public void finished(ImageBatchStatus status) {
    if (status.images() == null) {
      return;
    }
    long succeeded = value(status.images().succeeded()) + value(status.images().skipped());
    processed.increment(succeeded + value(status.images().failed()));
    failed.increment(value(status.images().failed()));
  }

  public MeterRegistry registry() {
    return registry;
  }

  private double count(Phase phase) {
    return batches.get().stream()
        .filter(b -> b.getStatus() != null && b.getStatus().phase() == phase)
        .count();
  }

  private static long value(Long v) {
    return v == null ? 0 : v;
  }
}
