package io.imagebatch.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ImageCounts;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * {@code imagebatch_images_total{result}}: every image of a finished run counts as processed
 * (succeeded, failed or skipped), and the failed ones also as failed.
 */
class BatchMetricsTest {

  private static ImageBatchStatus finished(Phase phase, ImageCounts images) {
    return new ImageBatchStatus(
        1L, phase, null, images, null, null, null, null, null, null, null, null);
  }

  private static double images(SimpleMeterRegistry registry, String result) {
    return registry.get("imagebatch.images").tag("result", result).counter().count();
  }

  @Test
  void finishedRunsAddTheirImagesByResult() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    BatchMetrics metrics = new BatchMetrics(registry);
    assertThat(images(registry, "processed")).isZero();
    assertThat(images(registry, "failed")).isZero();

    metrics.finished(finished(Phase.Succeeded, new ImageCounts(400L, 390L, 4L, 6L)));
    assertThat(images(registry, "processed")).isEqualTo(400.0);
    assertThat(images(registry, "failed")).isEqualTo(4.0);

    metrics.finished(finished(Phase.Failed, new ImageCounts(50L, 20L, 30L, null)));
    assertThat(images(registry, "processed")).isEqualTo(450.0);
    assertThat(images(registry, "failed")).isEqualTo(34.0);
  }

  @Test
  void aRunWithoutImageCountsAddsNothing() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    BatchMetrics metrics = new BatchMetrics(registry);

    metrics.finished(finished(Phase.Failed, null));

    assertThat(images(registry, "processed")).isZero();
    assertThat(images(registry, "failed")).isZero();
  }

  @Test
  void reconciliationsAreCounted() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    BatchMetrics metrics = new BatchMetrics(registry);

    metrics.reconciled();
    metrics.reconciled();

    assertThat(registry.get("imagebatch.reconciliations").counter().count()).isEqualTo(2.0);
  }
}
