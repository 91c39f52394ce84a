package io.imagebatch.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.TestNamespace;
import io.imagebatch.operator.metrics.Meters;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An API request the operator makes is refused: the batch's status says so (ApiFailure), the
 * failure is counted for the reconcile-errors alert, and the stalled gauge shows the reason.
 */
@ExtendWith(ControlPlaneExtension.class)
class ApiFailureIT {

  @Test
  void aJobRefusedByAQuotaStallsTheBatchAndIsCounted(KubernetesClient client, TestNamespace ns) {
    noJobsAllowed(client, ns.name());
    try (InProcessOperator operator = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("refused", 200, ""));

      ImageBatch stalled =
          await()
              .atMost(Duration.ofMinutes(1))
              .until(
                  () -> Batches.get(client, ns.name(), "refused"),
                  b -> Batches.isTrue(b, "Stalled"));

      Condition condition = Batches.condition(stalled, "Stalled").orElseThrow();
      assertThat(condition.getReason()).isEqualTo("QuotaExceeded");
      assertThat(condition.getMessage())
          .isEqualTo(
              "the API server refused a request: jobs.batch \"refused-plan-g1\" is forbidden:"
                  + " exceeded quota: no-jobs, requested: count/jobs.batch=1, used:"
                  + " count/jobs.batch=0, limited: count/jobs.batch=0");
      assertThat(Batches.isTrue(stalled, "Reconciling")).isFalse();
      assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).isEmpty();

      MeterRegistry registry = operator.metrics().registry();
      assertThat(Meters.reconciliationErrors(registry, "ImageBatch")).isPositive();
      // The gauge counts the informer cache, which sees the status write a moment later.
      await()
          .atMost(Duration.ofMinutes(1))
          .untilAsserted(
              () ->
                  assertThat(
                          registry
                              .get("imagebatch.batches.stalled")
                              .tags("namespace", ns.name(), "reason", "QuotaExceeded")
                              .gauge()
                              .value())
                      .isEqualTo(1.0));
    }
  }

  /**
   * A ResourceQuota of no Jobs, its usage written as the quota controller (not run here) would: the
   * API server's quota admission then refuses every Job.
   */
  private static void noJobsAllowed(KubernetesClient client, String namespace) {
    Map<String, Quantity> none = Map.of("count/jobs.batch", new Quantity("0"));
    ResourceQuota quota =
        client
            .resource(
                new ResourceQuotaBuilder()
                    .withNewMetadata()
                    .withName("no-jobs")
                    .withNamespace(namespace)
                    .endMetadata()
                    .withNewSpec()
                    .withHard(none)
                    .endSpec()
                    .build())
            .create();
    quota.setStatus(
        new io.fabric8.kubernetes.api.model.ResourceQuotaStatusBuilder()
            .withHard(none)
            .withUsed(none)
            .build());
    client.resource(quota).updateStatus();
  }
}
