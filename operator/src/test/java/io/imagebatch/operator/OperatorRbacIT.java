package io.imagebatch.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.TestNamespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the chart's RBAC lets the operator's ServiceAccount do, asked of the real API server: the
 * Lease can be renewed by patch (the fabric8 leader elector does), an ImageRunner's spec can never
 * be written (only its status), and no Secret can be read.
 */
@ExtendWith(ControlPlaneExtension.class)
class OperatorRbacIT {

  @Test
  void theLeaseCanBeCreatedAndRenewedByPatch(KubernetesClient client, TestNamespace ns)
      throws Exception {
    try (ChartServiceAccount account = ChartServiceAccount.install(client, ns.name())) {
      KubernetesClient operator = account.client();
      operator
          .resource(
              new LeaseBuilder()
                  .withNewMetadata()
                  .withName("imagebatch-operator")
                  .withNamespace(ns.name())
                  .endMetadata()
                  .withNewSpec()
                  .withHolderIdentity("operator-0")
                  .endSpec()
                  .build())
          .create();

      Lease renewed =
          operator
              .resources(Lease.class)
              .inNamespace(ns.name())
              .withName("imagebatch-operator")
              .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"leaseTransitions\":1}}");

      assertThat(renewed.getSpec().getLeaseTransitions()).isEqualTo(1);
    }
  }

  @Test
  void anImageRunnersSpecCannotBeWrittenOnlyItsStatus(KubernetesClient client, TestNamespace ns)
      throws Exception {
    InProcessOperator.installCrds(client);
    Runners.apply(
        client,
        ns.name(),
        """
        apiVersion: imagebatch.io/v1alpha1
        kind: ImageRunner
        metadata: { name: default }
        spec:
          blue: { image: registry.example.com/runner:1.4.0 }
          promotion: { strategy: Manual }
        """);
    try (ChartServiceAccount account = ChartServiceAccount.install(client, ns.name())) {
      var runners = account.client().resources(ImageRunner.class).inNamespace(ns.name());
      ImageRunner runner = runners.withName("default").get();
      assertThat(runner).isNotNull();

      assertThatThrownBy(
              () ->
                  runners
                      .withName("default")
                      .patch(
                          PatchContext.of(PatchType.JSON_MERGE),
                          "{\"spec\":{\"blue\":{\"image\":\"evil.example.com/runner:1\"}}}"))
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
          .hasMessageContaining(
              "User \"" + account.user() + "\" cannot patch resource \"imagerunners\"");
      assertThatThrownBy(() -> runners.resource(runner).update())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
      assertThatThrownBy(() -> runners.withName("default").delete())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));

      ImageRunner patched =
          runners
              .withName("default")
              .subresource("status")
              .patch(
                  PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"observedGeneration\":1}}");
      assertThat(patched.getStatus().observedGeneration()).isEqualTo(1L);
    }
  }

  @Test
  void noSecretCanBeRead(KubernetesClient client, TestNamespace ns) throws Exception {
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("s3-credentials")
                .withNamespace(ns.name())
                .endMetadata()
                .addToStringData("AWS_SECRET_ACCESS_KEY", "x")
                .build())
        .create();
    try (ChartServiceAccount account = ChartServiceAccount.install(client, ns.name())) {
      assertThatThrownBy(
              () ->
                  account
                      .client()
                      .secrets()
                      .inNamespace(ns.name())
                      .withName("s3-credentials")
                      .get())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
  }
}
