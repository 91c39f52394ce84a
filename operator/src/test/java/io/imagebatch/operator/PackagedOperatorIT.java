package io.imagebatch.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.ControlPlane;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.TestNamespace;
import io.imagebatch.operator.dependent.Labels;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The packaged operator (target/quarkus-app, prod profile: CDI wiring, configuration, leader
 * election, health, metrics) run as a process against the control plane, as the chart's
 * ServiceAccount with only the chart's RBAC.
 */
@ExtendWith(ControlPlaneExtension.class)
class PackagedOperatorIT {

  @Test
  void thePackagedOperatorBecomesReadyAndCreatesThePlanJob(
      KubernetesClient client, TestNamespace ns, ControlPlane plane) throws Exception {
    InProcessOperator.installCrds(client);
    assertThat(PackagedOperator.JAR).as("run after package").exists();
    try (ChartServiceAccount account = ChartServiceAccount.install(client, ns.name());
        PackagedOperator operator =
            PackagedOperator.start(
                "packaged", account, ns.name(), "registry.example.com/runner:smoke", Map.of())) {
      awaitReady(operator);

      Batches.create(client, ns.name(), Batches.yaml("packaged", 200, ""));
      Job plan = PackagedOperator.awaitPlanJob(client, ns.name(), "packaged");
      assertThat(plan.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .isEqualTo("registry.example.com/runner:smoke");
      assertThat(plan.getMetadata().getLabels()).containsEntry(Labels.MANAGED_BY, Labels.OPERATOR);

      // The batch gauges count the informer cache, which sees the first status write a moment
      // after the plan Job exists.
      await()
          .atMost(Duration.ofMinutes(1))
          .untilAsserted(
              () ->
                  assertThat(operator.get("/q/metrics").body())
                      .contains("imagebatch_reconciliations_total")
                      .contains(
                          "imagebatch_batches{namespace=\""
                              + ns.name()
                              + "\",phase=\"Planning\"} 1.0")
                      .contains("imagebatch_leader 1.0")
                      .contains(
                          "imagebatch_images_total{namespace=\""
                              + ns.name()
                              + "\",result=\"failed\"}"));
      assertThat(operator.get("/q/health/live").statusCode()).isEqualTo(200);
      assertThat(plane.kubectl("get", "lease", "-n", ns.name()).orThrow())
          .contains("imagebatch-operator");
      assertThat(operator.log()).doesNotContain("forbidden");
    }
  }

  /**
   * Issue 13: with the chart's former Lease rule (no patch) a restarted operator could not renew
   * the Lease it held and never reconciled again.
   */
  @Test
  void aRestartedOperatorReconcilesAgain(KubernetesClient client, TestNamespace ns)
      throws Exception {
    InProcessOperator.installCrds(client);
    try (ChartServiceAccount account = ChartServiceAccount.install(client, ns.name())) {
      Map<String, String> pod = Map.of("HOSTNAME", "operator-0");
      try (PackagedOperator first =
          PackagedOperator.start("first", account, ns.name(), "r.example.com/runner:1", pod)) {
        awaitReady(first);
        Batches.create(client, ns.name(), Batches.yaml("before", 200, ""));
        PackagedOperator.awaitPlanJob(client, ns.name(), "before");
      }
      try (PackagedOperator second =
          PackagedOperator.start("second", account, ns.name(), "r.example.com/runner:1", pod)) {
        awaitReady(second);
        Batches.create(client, ns.name(), Batches.yaml("after", 200, ""));
        PackagedOperator.awaitPlanJob(client, ns.name(), "after");
        assertThat(second.reconciliations()).isPositive();
        assertThat(second.log()).doesNotContain("forbidden");
      }
    }
  }

  private static void awaitReady(PackagedOperator operator) {
    await()
        .atMost(Duration.ofMinutes(1))
        .ignoreExceptions()
        .until(() -> operator.get("/q/health/ready").statusCode() == 200);
  }
}
