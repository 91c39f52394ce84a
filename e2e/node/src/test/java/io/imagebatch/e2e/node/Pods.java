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
    Pod current = client.pods().inNamespace(namespace.name()).withName(pod).get();
    if (current == null
        || current.getStatus() == null
        || current.getStatus().getContainerStatuses() == null
        || current.getStatus().getContainerStatuses().isEmpty()) {
      return null;
    }
    ContainerStatus status = current.getStatus().getContainerStatuses().get(0);
    return status.getState() == null ? null : status.getState().getTerminated();
  }
}
