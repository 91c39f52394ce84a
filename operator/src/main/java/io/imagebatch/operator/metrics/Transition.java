package io.imagebatch.operator.metrics;

import io.fabric8.kubernetes.api.model.Condition;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import java.util.Objects;
import java.util.Optional;

/**
 * A batch's move from one status to the next, as metrics see it: the progress made, and whether a
 * run finished with it (and with which reason).
 */
record Transition(Progress progress, Optional<Finished> finished) {

  /** A run that reached Succeeded or Failed, with the reason of its Ready condition. */
  record Finished(Phase phase, String reason) {}

  static Transition between(ImageBatchStatus previous, ImageBatchStatus next) {
    return new Transition(Progress.between(previous, next), finished(previous, next));
  }

  private static Optional<Finished> finished(ImageBatchStatus previous, ImageBatchStatus next) {
    if (next == null || !terminal(next.phase())) {
      return Optional.empty();
    }
    boolean alreadyFinished =
        previous != null
            && previous.phase() == next.phase()
            && Objects.equals(previous.startTime(), next.startTime());
    if (alreadyFinished) {
      return Optional.empty();
    }
    String type = next.phase() == Phase.Failed ? "Failed" : "Complete";
    return Optional.of(new Finished(next.phase(), reason(next, type).orElse(next.phase().name())));
  }

  static boolean terminal(Phase phase) {
    return phase == Phase.Succeeded || phase == Phase.Failed;
  }

  /** The reason of condition {@code type} when it is True. */
  static Optional<String> reason(ImageBatchStatus status, String type) {
    return status == null || status.conditions() == null
        ? Optional.empty()
        : status.conditions().stream()
            .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
            .map(Condition::getReason)
            .filter(Objects::nonNull)
            .findFirst();
  }
}
