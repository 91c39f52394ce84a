package io.imagebatch.operator.metrics;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.imagebatch.operator.dependent.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How long a queued Job waited for Kueue: it is created suspended and Kueue unsuspends it on
 * admission, when the Job controller sets {@code status.startTime}.
 */
final class QueueWaits {

  /** One admitted Job: plan or process, how long it waited, and when it was admitted. */
  record QueueWait(String component, Duration waited, Instant admittedAt) {}

  private QueueWaits() {}

  static Optional<QueueWait> of(Job job) {
    if (Labels.label(job, Labels.KUEUE_QUEUE).isEmpty()
        || job.getStatus() == null
        || job.getStatus().getStartTime() == null
        || job.getMetadata().getCreationTimestamp() == null) {
      return Optional.empty();
    }
    Instant created = Instant.parse(job.getMetadata().getCreationTimestamp());
    Instant admitted = Instant.parse(job.getStatus().getStartTime());
    return Optional.of(
        new QueueWait(
            Labels.label(job, Labels.COMPONENT).orElse("unknown"),
            Duration.between(created, admitted),
            admitted));
  }
}
