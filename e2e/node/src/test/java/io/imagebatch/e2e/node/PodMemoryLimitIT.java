package io.imagebatch.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.TestNamespace;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The memory limit is the kernel's, enforced in the pod's cgroup and reported by the kubelet. */
@RealNode
class PodMemoryLimitIT {

  @Test
  void aPodOverItsMemoryLimitEndsOomKilledWithExitCode137(
      KubernetesClient client, TestNamespace namespace, RealCluster cluster) {
    // The runner image's own JVM touching a 512 MiB heap at start, under a 128 MiB limit.
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("over-limit")
            .endMetadata()
            .withSpec(
                RestrictedPods.of(
                    RestrictedPods.container(cluster.env().runnerImage(), "128Mi")
                        .withCommand(
                            "/opt/java/bin/java",
                            "-Xms512m",
                            "-Xmx512m",
                            "-XX:+AlwaysPreTouch",
                            "-version")
                        .build()))
            .build();
    client.pods().inNamespace(namespace.name()).resource(pod).create();

    // The container's terminated state is written a moment before the pod's phase.
    await("pod over-limit Failed")
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> client.pods().inNamespace(namespace.name()).withName("over-limit").get(),
            p -> "Failed".equals(p.getStatus().getPhase()));

    ContainerStateTerminated terminated = Pods.terminated(client, namespace, "over-limit");
    assertThat(terminated.getReason()).isEqualTo("OOMKilled");
    assertThat(terminated.getExitCode()).isEqualTo(137);
  }
}
