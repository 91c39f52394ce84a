package io.imagebatch.operator.status;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;

/**
 * Where a runner pod's summary is: the terminated runner container's termination message. Its
 * content is the contract's ({@link io.imagebatch.api.contract.TerminationMessage}).
 */
public final class TerminationMessages {
  private TerminationMessages() {}

  /** The termination message of the runner container, when it has terminated. */
  public static Optional<String> of(Pod pod, String container) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> container.equals(s.getName()))
        .map(ContainerStatus::getState)
        .filter(s -> s != null && s.getTerminated() != null)
        .map(s -> s.getTerminated().getMessage())
        .filter(m -> m != null && !m.isBlank())
        .findFirst();
  }
}
