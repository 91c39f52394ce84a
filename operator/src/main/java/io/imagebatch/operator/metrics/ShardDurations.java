package io.imagebatch.operator.metrics;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.imagebatch.operator.dependent.Labels;
import io.imagebatch.operator.dependent.RunnerPodTemplate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** How long a shard pod's runner container ran, read from its terminated state. */
final class ShardDurations {

  /** One terminated shard: its result (succeeded or failed by exit code) and its run time. */
  record ShardDuration(String result, Duration duration, Instant finishedAt) {}

  private ShardDurations() {}

  static Optional<ShardDuration> of(Pod pod) {
    if (!Labels.label(pod, Labels.COMPONENT).map(Labels.PROCESS::equals).orElse(false)
        || pod.getStatus() == null
        || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(c -> RunnerPodTemplate.CONTAINER.equals(c.getName()))
        .map(ContainerStatus::getState)
        .filter(s -> s != null && s.getTerminated() != null)
        .map(s -> s.getTerminated())
        .filter(t -> t.getStartedAt() != null && t.getFinishedAt() != null)
        .findFirst()
        .map(ShardDurations::duration);
  }

  private static ShardDuration duration(ContainerStateTerminated terminated) {
    Instant start = Instant.parse(terminated.getStartedAt());
    Instant end = Instant.parse(terminated.getFinishedAt());
    String result =
        terminated.getExitCode() != null && terminated.getExitCode() == 0 ? "succeeded" : "failed";
    return new ShardDuration(result, Duration.between(start, end), end);
  }
}
