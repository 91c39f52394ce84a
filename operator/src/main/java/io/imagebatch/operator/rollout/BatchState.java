package io.imagebatch.operator.rollout;

import io.fabric8.kubernetes.api.model.Condition;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import java.time.Instant;
import java.util.Optional;

/**
 * What the rollout needs to know of a verification batch.
 *
 * @param stalledReason the Stalled condition's reason while the batch is stalled (a missing claim
 *     or Secret, an image that cannot be pulled), else null
 */
public record BatchState(
    String name, Phase phase, String message, Instant created, String stalledReason) {

  public BatchState(String name, Phase phase, String message, Instant created) {
    this(name, phase, message, created, null);
  }

  public static BatchState of(ImageBatch batch) {
    ImageBatchStatus status = batch.getStatus();
    Phase phase = status == null || status.phase() == null ? Phase.Pending : status.phase();
    String message =
        Optional.ofNullable(status)
            .map(ImageBatchStatus::conditions)
            .flatMap(
                cs -> cs.stream().filter(c -> isTrue(c) || "Ready".equals(c.getType())).findFirst())
            .map(Condition::getMessage)
            .orElse("");
    String created = batch.getMetadata().getCreationTimestamp();
    String stalled =
        Optional.ofNullable(status)
            .map(ImageBatchStatus::conditions)
            .flatMap(
                cs ->
                    cs.stream()
                        .filter(c -> "Stalled".equals(c.getType()) && "True".equals(c.getStatus()))
                        .findFirst())
            .filter(c -> phase != Phase.Failed)
            .map(Condition::getReason)
            .orElse(null);
    return new BatchState(
        batch.getMetadata().getName(),
        phase,
        message,
        created == null ? Instant.now() : Instant.parse(created),
        stalled);
  }

  private static boolean isTrue(Condition c) {
    return "True".equals(c.getStatus())
        && ("Stalled".equals(c.getType()) || "Failed".equals(c.getType()));
  }
}
