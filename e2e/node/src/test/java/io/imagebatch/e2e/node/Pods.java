package io.imagebatch.e2e.node;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.TestNamespace;

/** What the kubelet reported about a pod. */
final class Pods {
  private Pods() {}

  /** The first container's terminated state, or null while it has not terminated. */
  static ContainerStateTerminated terminated(
      KubernetesClient client, TestNamespace namespace, String pod) {
    return terminated(client.pods().inNamespace(namespace.name()).withName(pod).get());
  }

  /** As above, for a pod already read. */
  static ContainerStateTerminated terminated(Pod pod) {
    if (pod == null
        || pod.getStatus() == null
        || pod.getStatus().getContainerStatuses() == null
        || pod.getStatus().getContainerStatuses().isEmpty()) {
      return null;
    }
    ContainerStatus status = pod.getStatus().getContainerStatuses().get(0);
    return status.getState() == null ? null : status.getState().getTerminated();
  }
}
