package io.imagebatch.operator.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.imagebatch.operator.metrics.BatchMetrics;
import io.imagebatch.operator.metrics.Meters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** What the reconciler does with a failed pass before it touches the cluster. */
class ImageBatchReconcilerTest {

  /**
   * A conflict is a pass that read a stale batch (every shard that finishes while a pass runs makes
   * one): not a reconcile error for the alert, and nothing for status.
   */
  @Test
  void aConflictIsNeitherCountedNorWrittenToStatus() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ImageBatchReconciler reconciler =
        new ImageBatchReconciler(BatchFixtures.SETTINGS, new BatchMetrics(registry));

    var control =
        reconciler.updateErrorStatus(
            BatchFixtures.batch(BatchFixtures.S3, 1),
            null,
            new KubernetesClientException("the object has been modified", 409, null));

    assertThat(control.getResource()).isEmpty();
    assertThat(Meters.reconciliationErrors(registry, "ImageBatch")).isZero();
  }
}
