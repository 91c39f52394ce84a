package io.imagebatch.e2e.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/**
 * Pod specs that pass the restricted Pod Security Standard the way the operator's runner pods do,
 * except that the UID comes from the image (its USER 65532), so tests prove the image, not the pod
 * spec.
 */
final class RestrictedPods {
  private RestrictedPods() {}

  /** One container of {@code image} (local, never pulled) with a read-only root and a /tmp. */
  static ContainerBuilder container(String image, String memoryLimit) {
    return new ContainerBuilder()
        .withName("runner")
        .withImage(image)
        .withImagePullPolicy("Never")
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity(memoryLimit)))
        .withLimits(Map.of("memory", new Quantity(memoryLimit)))
        .endResources()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount();
  }

  static PodSpecBuilder spec(Container container) {
    return new PodSpecBuilder()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withContainers(List.of(container))
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume();
  }

  static PodSpec of(Container container) {
    return spec(container).build();
  }
}
