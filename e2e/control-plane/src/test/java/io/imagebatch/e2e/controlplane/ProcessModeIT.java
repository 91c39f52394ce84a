package io.imagebatch.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.node.NodeSimulator;
import io.imagebatch.e2e.controlplane.node.PodBehavior;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Process mode runs the container's command locally and reports what really happened. */
@ExtendWith(ControlPlaneExtension.class)
class ProcessModeIT {

  @Test
  void reportsTheRealTerminationMessage(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(PodBehavior.process());

    client
        .pods()
        .inNamespace(ns.name())
        .resource(
            pod("writes-message", "echo '{\"ok\":1}' > $TERMINATION_PATH; exit 0")
                .editSpec()
                .editFirstContainer()
                .addNewEnv()
                .withName("TERMINATION_PATH")
                .withValue("/dev/termination-log")
                .endEnv()
                .endContainer()
                .endSpec()
                .build())
        .create();

    ContainerStateTerminated terminated = awaitTerminated(client, ns, "writes-message");
    assertThat(terminated.getExitCode()).isZero();
    assertThat(terminated.getMessage()).isEqualTo("{\"ok\":1}\n");
    assertThat(phase(client, ns, "writes-message")).isEqualTo("Succeeded");
  }

  @Test
  void mountsConfigAndSecretsAndReportsTheRealExitCode(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(PodBehavior.process());
    client
        .configMaps()
        .inNamespace(ns.name())
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("settings")
                .endMetadata()
                .withData(Map.of("quality", "82"))
                .build())
        .create();
    client
        .secrets()
        .inNamespace(ns.name())
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("credentials")
                .endMetadata()
                .withStringData(Map.of("token", "s3cr3t"))
                .build())
        .create();
    String script =
        "printf '%s/%s/%s' \"$(cat /etc/settings/quality)\" \"$TOKEN\" \"$(basename $(pwd))\""
            + " > /dev/termination-log; echo scratch > /scratch/x && test -f /scratch/x; exit 7";
    Pod pod =
        pod("reads-volumes", script)
            .editSpec()
            .addNewVolume()
            .withName("settings")
            .withNewConfigMap()
            .withName("settings")
            .endConfigMap()
            .endVolume()
            .addNewVolume()
            .withName("scratch")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .editFirstContainer()
            .addNewVolumeMount()
            .withName("settings")
            .withMountPath("/etc/settings")
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("scratch")
            .withMountPath("/scratch")
            .endVolumeMount()
            .addNewEnv()
            .withName("TOKEN")
            .withNewValueFrom()
            .withNewSecretKeyRef()
            .withName("credentials")
            .withKey("token")
            .endSecretKeyRef()
            .endValueFrom()
            .endEnv()
            .endContainer()
            .endSpec()
            .build();

    client.pods().inNamespace(ns.name()).resource(pod).create();

    ContainerStateTerminated terminated = awaitTerminated(client, ns, "reads-volumes");
    assertThat(terminated.getExitCode()).isEqualTo(7);
    assertThat(terminated.getReason()).isEqualTo("Error");
    assertThat(terminated.getMessage()).isEqualTo("82/s3cr3t/work");
    assertThat(phase(client, ns, "reads-volumes")).isEqualTo("Failed");
  }

  private static PodBuilder pod(String name, String script) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .addNewContainer()
        .withName("main")
        .withImage("example.invalid/shell:1")
        .withCommand("sh", "-c", script)
        .endContainer()
        .endSpec();
  }

  private static ContainerStateTerminated awaitTerminated(
      KubernetesClient client, TestNamespace ns, String name) {
    return await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () -> {
              Pod pod = client.pods().inNamespace(ns.name()).withName(name).get();
              if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
                return null;
              }
              return pod.getStatus().getContainerStatuses().getFirst().getState().getTerminated();
            },
            terminated -> terminated != null);
  }

  private static String phase(KubernetesClient client, TestNamespace ns, String name) {
    return client.pods().inNamespace(ns.name()).withName(name).get().getStatus().getPhase();
  }
}
