package io.imagebatch.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The apiserver runs the PodSecurity admission plugin, so namespace labels are enforced. */
@ExtendWith(ControlPlaneExtension.class)
class PodSecurityIT {

  @Test
  void restrictedNamespaceRejectsAPrivilegedPod(KubernetesClient client, TestNamespace ns) {
    client
        .namespaces()
        .withName(ns.name())
        .edit(
            n -> {
              n.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
              return n;
            });
    Pod privileged =
        new PodBuilder()
            .withNewMetadata()
            .withName("privileged")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("main")
            .withImage("example.invalid/any:1")
            .withNewSecurityContext()
            .withPrivileged(true)
            .endSecurityContext()
            .endContainer()
            .endSpec()
            .build();

    assertThatThrownBy(() -> client.pods().inNamespace(ns.name()).resource(privileged).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("violates PodSecurity \"restricted:latest\"")
        .hasMessageContaining("privileged");
  }
}
