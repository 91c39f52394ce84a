package io.imagebatch.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.e2e.controlplane.Kubectl;
import io.imagebatch.e2e.controlplane.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pods that cannot run, for real: the scheduler cannot place them, the kubelet cannot pull their
 * image, a ResourceQuota refuses them. Status says so at once (issue 14): Reconciling with the
 * waiting reason for what can clear by itself, Stalled for what only a user can fix, the reason in
 * `kubectl get ib`, one Warning event per new stall.
 */
@RealNode
class PodsThatCannotRunE2E {
  private static final String POOL = "imagebatch.io/e2e-pool";

  @Test
  void anUnschedulablePodIsReportedAsWaitingAndRunsOnceANodeFits(
      KubernetesClient client,
      Kubectl kubectl,
      TestNamespace namespace,
      RealCluster cluster,
      @TempDir Path dir) {
    Example batch =
        pvcBatch(client, namespace, cluster)
            .set("spec.execution.nodeSelector", Map.of(POOL, "gpu"));
    try {
      kubectl.run("apply", "-f", batch.write(dir).toString()).orThrow();

      // The claims bind a moment after the batch is applied; until then the scheduler says so.
      Condition reconciling =
          awaitCondition(
              client,
              namespace,
              batch.name(),
              "Reconciling",
              "Unschedulable",
              "didn't match Pod's node affinity/selector");
      assertThat(reconciling.getStatus()).isEqualTo("True");
      assertThat(reconciling.getMessage())
          .contains("cannot be scheduled")
          .contains("didn't match Pod's node affinity/selector");
      assertThat(condition(client, namespace, batch.name(), "Stalled"))
          .map(Condition::getStatus)
          .hasValue("False");
      assertThat(
              kubectl
                  .run("-n", namespace.name(), "get", "ib", batch.name(), "--no-headers")
                  .orThrow())
          .contains("Unschedulable");

      // Capacity arrives (here: the node gets the label): the pods run, the batch completes.
      kubectl.run("label", "node", "imagebatch-node", POOL + "=gpu").orThrow();
      Batches.awaitComplete(kubectl, client, namespace, batch.name());
    } finally {
      kubectl.run("label", "node", "imagebatch-node", POOL + "-");
    }
  }

  @Test
  void aRunnerImageThatCannotBePulledStallsTheBatchWithOneWarning(
      KubernetesClient client,
      Kubectl kubectl,
      TestNamespace namespace,
      RealCluster cluster,
      @TempDir Path dir)
      throws Exception {
    String missing = "localhost/imagebatch/no-such-runner:1";
    Path runner = dir.resolve("imagerunner.yaml");
    Files.writeString(
        runner,
        """
        apiVersion: imagebatch.io/v1alpha1
        kind: ImageRunner
        metadata: { name: default, namespace: %s }
        spec:
          blue: { image: %s }
          active: blue
          promotion: { strategy: Manual }
        """
            .formatted(namespace.name(), missing));
    kubectl.run("apply", "-f", runner.toString()).orThrow();
    Example batch = pvcBatch(client, namespace, cluster);
    kubectl.run("apply", "-f", batch.write(dir).toString()).orThrow();

    Condition stalled =
        awaitCondition(client, namespace, batch.name(), "Stalled", "ImagePullFailed");
    assertThat(stalled.getStatus()).isEqualTo("True");
    assertThat(stalled.getMessage()).contains("cannot pull " + missing);
    assertThat(
            kubectl
                .run("-n", namespace.name(), "get", "ib", batch.name(), "--no-headers")
                .orThrow())
        .contains("ImagePullFailed");
    // One Warning for the stall, however often the kubelet retries the pull meanwhile.
    await("the ImagePullFailed Warning event")
        .atMost(Duration.ofMinutes(1))
        .until(() -> warnings(client, namespace, "ImagePullFailed"), n -> n > 0);
    assertThat(warnings(client, namespace, "ImagePullFailed")).isEqualTo(1);
  }

  @Test
  void aResourceQuotaThatRefusesThePodsStallsTheBatch(
      KubernetesClient client,
      Kubectl kubectl,
      TestNamespace namespace,
      RealCluster cluster,
      @TempDir Path dir) {
    client
        .resourceQuotas()
        .inNamespace(namespace.name())
        .resource(
            new ResourceQuotaBuilder()
                .withNewMetadata()
                .withName("compute")
                .endMetadata()
                .withNewSpec()
                .withHard(Map.of("requests.memory", new Quantity("256Mi")))
                .endSpec()
                .build())
        .create();
    Example batch = pvcBatch(client, namespace, cluster);
    kubectl.run("apply", "-f", batch.write(dir).toString()).orThrow();

    Condition stalled = awaitCondition(client, namespace, batch.name(), "Stalled", "QuotaExceeded");
    assertThat(stalled.getStatus()).isEqualTo("True");
    assertThat(stalled.getMessage())
        .contains("exceeded quota: compute")
        .contains("raise the namespace's ResourceQuota");
    assertThat(client.pods().inNamespace(namespace.name()).list().getItems()).isEmpty();
  }

  /** examples/pvc on the bundled images, one small shard. */
  private static Example pvcBatch(
      KubernetesClient client, TestNamespace namespace, RealCluster cluster) {
    HostVolumes.copy(
        RealCluster.repoRoot().resolve("examples/local/images"),
        HostVolumes.create(client, cluster, namespace, "uploads", true).resolve("incoming"));
    HostVolumes.create(client, cluster, namespace, "derived-images", true);
    return Example.load("pvc/batch.yaml")
        .namespace(namespace.name())
        .set(
            "spec.execution",
            Map.of("resources", Map.of("requests", Map.of("cpu", "500m", "memory", "1Gi"))));
  }

  private static Condition awaitCondition(
      KubernetesClient client, TestNamespace namespace, String batch, String type, String reason) {
    return awaitCondition(client, namespace, batch, type, reason, "");
  }

  private static Condition awaitCondition(
      KubernetesClient client,
      TestNamespace namespace,
      String batch,
      String type,
      String reason,
      String saying) {
    return await(batch + ": " + type + " " + reason + " saying \"" + saying + "\"")
        .atMost(Duration.ofMinutes(3))
        .until(
            () -> condition(client, namespace, batch, type).orElse(null),
            c ->
                c != null
                    && reason.equals(c.getReason())
                    && c.getMessage() != null
                    && c.getMessage().contains(saying));
  }

  private static Optional<Condition> condition(
      KubernetesClient client, TestNamespace namespace, String batch, String type) {
    ImageBatchStatus status = Batches.get(client, namespace, batch).getStatus();
    return status == null || status.conditions() == null
        ? Optional.empty()
        : status.conditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  private static long warnings(KubernetesClient client, TestNamespace namespace, String reason) {
    return client.v1().events().inNamespace(namespace.name()).list().getItems().stream()
        .filter(e -> "Warning".equals(e.getType()) && reason.equals(e.getReason()))
        .filter(e -> "ImageBatch".equals(e.getInvolvedObject().getKind()))
        .count();
  }
}
