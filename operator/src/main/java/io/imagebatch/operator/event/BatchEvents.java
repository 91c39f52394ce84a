package io.imagebatch.operator.event;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.operator.status.ImageBatchStatusAggregator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Kubernetes Events on the batch as its phase changes (Planning, Running, Succeeded, Failed), and a
 * Warning when it stalls for something the user must create (a Secret, PVC or ImageRunner).
 */
public final class BatchEvents {
  private static final Set<Phase> ANNOUNCED =
      Set.of(Phase.Planning, Phase.Running, Phase.Succeeded, Phase.Failed);

  private BatchEvents() {}

  public static void record(KubernetesClient client, ImageBatch batch, ImageBatchStatus status) {
    if (!ANNOUNCED.contains(status.phase())) {
      return;
    }
    String message =
        status.conditions() == null || status.conditions().isEmpty()
            ? status.phase().name()
            : status.conditions().get(0).getMessage();
    Events.record(
        client,
        batch,
        status.phase() == Phase.Failed ? Events.WARNING : Events.NORMAL,
        status.phase().name(),
        message);
  }

  /**
   * A Warning when the batch becomes Stalled, or stalls for another reason, without failing (a
   * failure has its own Failed event): the reason and message say what to create.
   */
  public static void recordStall(
      KubernetesClient client, ImageBatch batch, ImageBatchStatus previous, ImageBatchStatus next) {
    if (next.phase() == Phase.Failed) {
      return;
    }
    Optional<Condition> now = stalled(next);
    if (now.isEmpty()) {
      return;
    }
    Optional<Condition> before = previous == null ? Optional.empty() : stalled(previous);
    boolean same =
        before.isPresent()
            && Objects.equals(before.get().getReason(), now.get().getReason())
            && Objects.equals(before.get().getMessage(), now.get().getMessage());
    if (!same) {
      Events.record(client, batch, Events.WARNING, now.get().getReason(), now.get().getMessage());
    }
  }

  private static Optional<Condition> stalled(ImageBatchStatus status) {
    return status.conditions() == null
        ? Optional.empty()
        : status.conditions().stream()
            .filter(c -> ImageBatchStatusAggregator.STALLED.equals(c.getType()))
            .filter(c -> "True".equals(c.getStatus()))
            .findFirst();
  }
}
