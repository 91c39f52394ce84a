package io.imagebatch.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ImageCounts;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import org.junit.jupiter.api.Test;

class ImageBatchStatusAggregatorTest {
  private static final String T1 = "2026-11-24T10:00:00Z";
  private static final String T2 = "2026-11-24T10:05:00Z";

  @Test
  void aSteadyBatchBuildsAnIdenticalStatus() {
    ImageBatchStatus first =
        new ImageBatchStatusAggregator(null, 3, T1)
            .phase(Phase.Running, "Running", "1 of 2 shards done")
            .counts(new ImageCounts(2000L, 1400L, 2L, 100L), null, null, null)
            .build();
    ImageBatchStatus again =
        new ImageBatchStatusAggregator(first, 3, T2)
            .phase(Phase.Running, "Running", "1 of 2 shards done")
            .counts(new ImageCounts(2000L, 1400L, 2L, 100L), null, null, null)
            .build();

    assertThat(again).isEqualTo(first);
    assertThat(first.progress()).isEqualTo("1502/2000");
    assertThat(first.observedGeneration()).isEqualTo(3);
  }

  @Test
  void lastTransitionTimeChangesOnlyWhenAConditionsStatusChanges() {
    ImageBatchStatus running =
        new ImageBatchStatusAggregator(null, 1, T1).phase(Phase.Running, "Running", "").build();
    ImageBatchStatus done =
        new ImageBatchStatusAggregator(running, 1, T2)
            .phase(Phase.Succeeded, "Succeeded", "done")
            .build();

    assertThat(condition(done, "Ready").getLastTransitionTime()).isEqualTo(T2);
    assertThat(condition(done, "Reconciling").getLastTransitionTime()).isEqualTo(T2);
    assertThat(condition(done, "Failed").getLastTransitionTime()).isEqualTo(T1);
    assertThat(condition(done, "Stalled").getLastTransitionTime()).isEqualTo(T1);
    assertThat(condition(done, "Complete").getStatus()).isEqualTo("True");
  }

  @Test
  void aBlockedRunKeepsItsPhaseAndIsStalledNotReconciling() {
    ImageBatchStatus blocked =
        new ImageBatchStatusAggregator(null, 1, T1)
            .phase(Phase.Planning, "Planning", "planning Job x-plan-g1 is running")
            .blocked("SecretNotFound", "Secret \"s3\" not found")
            .build();

    assertThat(blocked.phase()).isEqualTo(Phase.Planning);
    assertThat(condition(blocked, "Stalled").getStatus()).isEqualTo("True");
    assertThat(condition(blocked, "Stalled").getReason()).isEqualTo("SecretNotFound");
    assertThat(condition(blocked, "Stalled").getMessage()).isEqualTo("Secret \"s3\" not found");
    assertThat(condition(blocked, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(condition(blocked, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(blocked, "Failed").getStatus()).isEqualTo("False");

    ImageBatchStatus recovered =
        new ImageBatchStatusAggregator(blocked, 1, T2)
            .phase(Phase.Planning, "Planning", "planning Job x-plan-g1 is running")
            .build();
    assertThat(condition(recovered, "Stalled").getStatus()).isEqualTo("False");
    assertThat(condition(recovered, "Stalled").getLastTransitionTime()).isEqualTo(T2);
    assertThat(condition(recovered, "Reconciling").getStatus()).isEqualTo("True");
  }

  @Test
  void failedIsStalledAndNotReady() {
    ImageBatchStatus failed =
        new ImageBatchStatusAggregator(null, 2, T1)
            .phase(Phase.Failed, "TooManyFailedImages", "30 images failed")
            .build();

    assertThat(condition(failed, "Failed").getStatus()).isEqualTo("True");
    assertThat(condition(failed, "Stalled").getStatus()).isEqualTo("True");
    assertThat(condition(failed, "Stalled").getReason()).isEqualTo("TooManyFailedImages");
    assertThat(condition(failed, "Ready").getStatus()).isEqualTo("False");
    assertThat(failed.conditions()).allMatch(c -> c.getObservedGeneration() == 2);
  }

  private static Condition condition(ImageBatchStatus status, String type) {
    return status.conditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aWaitingRunIsReconcilingNotStalledAndKeepsItsPhase() {
    ImageBatchStatus waiting =
        new ImageBatchStatusAggregator(null, 1, T1)
            .phase(Phase.Running, "Running", "1 of 2 shards done")
            .waiting("Unschedulable", "runner pod p cannot be scheduled")
            .build();

    assertThat(waiting.phase()).isEqualTo(Phase.Running);
    assertThat(condition(waiting, "Reconciling").getStatus()).isEqualTo("True");
    assertThat(condition(waiting, "Reconciling").getReason()).isEqualTo("Unschedulable");
    assertThat(condition(waiting, "Stalled").getStatus()).isEqualTo("False");
    assertThat(condition(waiting, "Ready").getReason()).isEqualTo("Unschedulable");
    assertThat(condition(waiting, "Ready").getMessage())
        .isEqualTo("runner pod p cannot be scheduled");
  }
}
