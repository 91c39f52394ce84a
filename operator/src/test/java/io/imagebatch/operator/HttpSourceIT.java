package io.imagebatch.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.contract.RunnerEnvironment;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.RequiresControllerManager;
import io.imagebatch.e2e.controlplane.TestNamespace;
import io.imagebatch.e2e.controlplane.node.NodeSimulator;
import io.imagebatch.operator.workload.Labels;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTP sources in a cluster: the {@code urlsFrom} ConfigMap key reaches the runner pods as a
 * mounted file named by IMAGEBATCH_HTTP_URLS_FILE (a missing ConfigMap or key stalls the batch,
 * saying which), and the cluster operator's allow-list reaches them as IMAGEBATCH_HTTP_ALLOW_HOSTS.
 */
@ExtendWith(ControlPlaneExtension.class)
@RequiresControllerManager
class HttpSourceIT {
  private static final String BATCH =
      """
      apiVersion: imagebatch.io/v1alpha1
      kind: ImageBatch
      metadata: { name: feed }
      spec:
        source:
          http: { urlsFrom: { configMapKeyRef: { name: partner-urls, key: urls.txt } } }
        variants: [ { name: w640, width: 640, formats: [webp] } ]
        output: { s3: { bucket: derived, credentialsSecret: s3-credentials } }
      """;

  @Test
  void theUrlListIsMountedOnceItsConfigMapKeyExists(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    // The plan pod reports one shard; shard pods keep running.
    node.behavior(
        pod ->
            Labels.PLAN.equals(Batches.component(pod))
                ? Optional.of(Batches.plan(1, 1, "feed"))
                : Optional.empty());
    var settings = InProcessOperator.settings().withHttpAllowHosts(Optional.of("images.internal"));
    try (var _ = InProcessOperator.start(client, client, settings, ns.name())) {
      Batches.create(client, ns.name(), BATCH);
      assertStalled(
          client,
          ns,
          "ConfigMapNotFound",
          "ConfigMap \"partner-urls\" (spec.source.http.urlsFrom.configMapKeyRef.name) not found in"
              + " namespace \""
              + ns.name()
              + "\": create it with key \"urls.txt\" listing one URL per line, or change"
              + " spec.source.http.urlsFrom.configMapKeyRef");

      configMap(client, ns, Map.of("other.txt", "https://images.internal/a.jpg\n"));
      assertStalled(
          client,
          ns,
          "ConfigMapKeyNotFound",
          "ConfigMap \"partner-urls\" (spec.source.http.urlsFrom.configMapKeyRef.name) in namespace"
              + " \""
              + ns.name()
              + "\" has no key \"urls.txt\" (spec.source.http.urlsFrom.configMapKeyRef.key): add"
              + " it, listing one URL per line");

      configMap(client, ns, Map.of("urls.txt", "https://images.internal/a.jpg\n"));
      await().atMost(Duration.ofMinutes(3)).until(() -> phase(client, ns) == Phase.Planning);
      PodSpec pod =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(ns.name())
              .withName("feed-plan-g1")
              .get()
              .getSpec()
              .getTemplate()
              .getSpec();
      assertThat(pod.getVolumes())
          .anySatisfy(
              v -> {
                assertThat(v.getConfigMap()).isNotNull();
                assertThat(v.getConfigMap().getName()).isEqualTo("partner-urls");
                assertThat(v.getConfigMap().getItems().getFirst().getKey()).isEqualTo("urls.txt");
              });
      Container runner = pod.getContainers().getFirst();
      Map<String, String> env =
          runner.getEnv().stream()
              .filter(e -> e.getValue() != null)
              .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
      assertThat(env)
          .containsEntry(RunnerEnvironment.HTTP_URLS_FILE, "/etc/imagebatch-urls/urls.txt")
          .containsEntry(RunnerEnvironment.HTTP_ALLOW_HOSTS, "images.internal");

      // Planning goes on to Running: the list is still found once the plan Job exists (it once
      // read as missing from then on, and the batch stalled in ConfigMapNotFound).
      await().atMost(Duration.ofMinutes(3)).until(() -> phase(client, ns) == Phase.Running);
    }
  }

  private static void configMap(
      KubernetesClient client, TestNamespace ns, Map<String, String> data) {
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("partner-urls")
                .withNamespace(ns.name())
                .endMetadata()
                .withData(data)
                .build())
        .forceConflicts()
        .serverSideApply();
  }

  private static void assertStalled(
      KubernetesClient client, TestNamespace ns, String reason, String message) {
    await()
        .atMost(Duration.ofMinutes(3))
        .until(
            () ->
                Batches.condition(Batches.get(client, ns.name(), "feed"), "Stalled")
                    .filter(c -> "True".equals(c.getStatus()) && reason.equals(c.getReason()))
                    .isPresent());
    ImageBatch batch = Batches.get(client, ns.name(), "feed");
    assertThat(batch.getStatus().phase()).isEqualTo(Phase.Pending);
    assertThat(Batches.condition(batch, "Stalled").orElseThrow().getMessage()).isEqualTo(message);
  }

  private static Phase phase(KubernetesClient client, TestNamespace ns) {
    ImageBatch batch = Batches.get(client, ns.name(), "feed");
    return batch == null || batch.getStatus() == null ? null : batch.getStatus().phase();
  }
}
