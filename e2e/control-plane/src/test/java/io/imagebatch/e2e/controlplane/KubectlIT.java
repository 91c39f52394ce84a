package io.imagebatch.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.node.NodeSimulator;
import io.imagebatch.e2e.controlplane.node.PodBehavior;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The written kubeconfig works for kubectl, as it will for users following the docs. */
@ExtendWith(ControlPlaneExtension.class)
class KubectlIT {

  @Test
  @RequiresControllerManager
  void kubectlCanGetAndWait(
      ControlPlane plane, KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    assertThat(Files.isRegularFile(plane.kubeconfig())).isTrue();
    node.behavior(PodBehavior.succeed());
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns.name())
        .resource(Jobs.indexed("waited", 2).build())
        .create();

    assertThat(plane.kubectl("get", "namespace", ns.name(), "-o", "name").orThrow().strip())
        .isEqualTo("namespace/" + ns.name());
    assertThat(
            plane
                .kubectl(
                    "wait",
                    "-n",
                    ns.name(),
                    "--for=condition=Complete",
                    "job/waited",
                    "--timeout=120s")
                .orThrow())
        .contains("job.batch/waited condition met");
    assertThat(plane.kubectl("get", "jobs", "-n", ns.name(), "-o", "name").orThrow())
        .contains("job.batch/waited");
  }

  @Test
  void kubectlExplainDescribesJobFields(Kubectl kubectl) {
    assertThat(kubectl.run("explain", "job.spec.backoffLimitPerIndex").orThrow())
        .contains("backoffLimitPerIndex");
  }
}
