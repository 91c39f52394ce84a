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
 * Kubernetes Events on a batch, from its status transition: the phase changes (Planning, Running,
 * Suspended, Resumed, Succeeded, Failed), a run abandoned for a new generation (Superseded), and
 * one Warning per new stall (a Secret, claim or ImageRunner to create, an image that cannot be
 * pulled, a quota): its reason and message say what to fix.
 */
public final class BatchEvents {
  private static final Set<Phase> ANNOUNCED =
      Set.of(Phase.Planning, Phase.Running, Phase.Suspended, Phase.Succeeded, Phase.Failed);

  private BatchEvents() {}

  /** The events of the transition from {@code previous} to {@code next}. */
  public static void record(
      KubernetesClient client, ImageBatch batch, ImageBatchStatus previous, ImageBatchStatus next) {
    Phase before = previous == null ? null : previous.phase();
    boolean newRun = previous == null || !Objects.equals(previous.startTime(), next.startTime());
    if (newRun
        && next.startTime() != null
        && previous != null
        && previous.startTime() != null
        && before != Phase.Succeeded
        && before != Phase.Failed) {
      Events.record(
          client,
          batch,
          Events.NORMAL,
          "Superseded",
          "the run started "
              + previous.startTime()
              + " (generation "
              + previous.observedGeneration()
              + ") was abandoned for a new run of generation "
              + next.observedGeneration()
              + ": its Jobs are deleted");
    }
    if (next.phase() != before || (newRun && next.startTime() != null)) {
      phase(client, batch, before, next);
    }
    stall(client, batch, previous, next);
  }

  private static void phase(
      KubernetesClient client, ImageBatch batch, Phase before, ImageBatchStatus status) {
    if (!ANNOUNCED.contains(status.phase())) {
      return;
    }
    String message =
        status.conditions() == null || status.conditions().isEmpty()
            ? status.phase().name()
            : status.conditions().get(0).getMessage();
    boolean resumed =
        before == Phase.Suspended
            && (status.phase() == Phase.Planning || status.phase() == Phase.Running);
    Events.record(
        client,
        batch,
        status.phase() == Phase.Failed ? Events.WARNING : Events.NORMAL,
        resumed ? "Resumed" : status.phase().name(),
        message);
  }

  /**
   * A Warning when the batch becomes Stalled for a new reason without failing (a failure has its
   * own Failed event): once per stall, however its message changes while it lasts.
   */
  private static void stall(
      KubernetesClient client, ImageBatch batch, ImageBatchStatus previous, ImageBatchStatus next) {
    if (next.phase() == Phase.Failed) {
      return;
    }
    Optional<Condition> now = stalled(next);
    if (now.isEmpty()) {
      return;
    }
    Optional<Condition> before = previous == null ? Optional.empty() : stalled(previous);
    if (before.isEmpty() || !Objects.equals(before.get().getReason(), now.get().getReason())) {
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
