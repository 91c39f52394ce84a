package io.imagebatch.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ImageFailure;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.e2e.controlplane.Kubectl;
import io.imagebatch.e2e.controlplane.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/http on the real node, with an image server on this machine's address: the SSRF guard
 * refuses it (one SourceRefused failure per image) until the cluster operator allow-lists it with
 * the chart value runner.httpAllowHosts; then the same batch succeeds, with urls and with urlsFrom.
 */
@RealNode
class HttpExampleE2E {
  private static final Path IMAGES = RealCluster.repoRoot().resolve("examples/local/images");

  @Test
  void anImageServerOnAPrivateAddressIsRefusedUntilTheClusterOperatorAllowsIt(
      KubernetesClient client,
      Kubectl kubectl,
      TestNamespace namespace,
      RealCluster cluster,
      @TempDir Path dir)
      throws Exception {
    String ip = cluster.env().nodeIp();
    Path values = dir.resolve("values-before.yaml");
    Files.writeString(
        values,
        cluster
            .helm("get", "values", "imagebatch", "-n", "imagebatch-system", "-o", "yaml")
            .orThrow());
    try (ImageServer server = ImageServer.start(ip);
        S3Server s3 = S3Server.start(ip);
        ObjectStore store = s3.client()) {
      store.createBucket("derived");
      List<String> urls =
          server.serve(
              "/feed/2026/", List.of(IMAGES.resolve("Kite.jpg"), IMAGES.resolve("Cascade.png")));
      S3Server.createCredentialsSecret(kubectl, namespace);
      Example feed = example(namespace, s3).set("spec.source.http.urls", urls);
      Path feedYaml = feed.write(dir);

      // 1. Refused: this machine's address (192.0.2.0/24 here; a pod's or Service's 10.x on most
      //    clusters) is no public address. Each image fails alone; maxFailedImages 0 fails the
      // batch.
      kubectl.run("apply", "-f", feedYaml.toString()).orThrow();
      ImageBatch refused =
          Batches.awaitFinished(client, namespace, feed.name(), Duration.ofMinutes(5));
      ImageBatchStatus status = refused.getStatus();
      assertThat(status.phase())
          .as(Batches.describe(client, namespace, feed.name()))
          .isEqualTo(Phase.Failed);
      assertThat(status.failures()).as(Batches.describe(client, namespace, feed.name())).hasSize(2);
      assertThat(status.failures()).extracting(ImageFailure::reason).containsOnly("SourceRefused");
      assertThat(status.failures())
          .allSatisfy(
              f -> assertThat(f.message()).contains(ip).contains("documentation (192.0.2.0/24)"));
      assertThat(allowHostsOfRunnerPods(client, namespace, feed.name()))
          .containsOnly(Optional.empty());

      // 2. The cluster operator allow-lists the server through the chart; the same batch succeeds.
      cluster
          .helm(
              "upgrade",
              "imagebatch",
              RealCluster.repoRoot().resolve("helm/imagebatch").toString(),
              "-n",
              "imagebatch-system",
              "--reuse-values",
              "--set",
              "runner.httpAllowHosts={" + ip + "}",
              "--wait",
              "--timeout=3m")
          .orThrow();
      kubectl.run("-n", namespace.name(), "delete", "ib", feed.name(), "--wait=true").orThrow();
      kubectl.run("apply", "-f", feedYaml.toString()).orThrow();
      Batches.awaitComplete(kubectl, client, namespace, feed.name());
      assertThat(store.keys("derived", "partner/"))
          .filteredOn(k -> !k.contains("/_imagebatch/"))
          .hasSize(4)
          .anySatisfy(k -> assertThat(k).endsWith("/feed/2026/Kite-w640.webp"))
          .anySatisfy(k -> assertThat(k).endsWith("/feed/2026/Cascade-w640.jpeg"));
      assertThat(allowHostsOfRunnerPods(client, namespace, feed.name()))
          .containsOnly(Optional.of(ip));

      // 3. urlsFrom: the list in a ConfigMap key, mounted into the runner pods.
      List<String> more =
          server.serve(
              "/list/",
              List.of(IMAGES.resolve("Shell.jpg"), IMAGES.resolve("landscapes/Path.jpg")));
      kubectl
          .run(
              "-n",
              namespace.name(),
              "create",
              "configmap",
              "partner-urls",
              "--from-literal=urls.txt=" + String.join("\n", more) + "\n")
          .orThrow();
      Example list =
          example(namespace, s3)
              .set("metadata.name", "partner-list")
              .remove("spec.source.http.urls")
              .set(
                  "spec.source.http.urlsFrom",
                  Map.of("configMapKeyRef", Map.of("name", "partner-urls", "key", "urls.txt")));
      kubectl.run("apply", "-f", list.write(dir).toString()).orThrow();
      Batches.awaitComplete(kubectl, client, namespace, "partner-list");
      assertThat(Batches.get(client, namespace, "partner-list").getStatus().images().succeeded())
          .isEqualTo(2);
      assertThat(store.keys("derived", "partner/"))
          .anySatisfy(k -> assertThat(k).endsWith("/list/Path-w640.webp"));
    } finally {
      cluster
          .helm(
              "upgrade",
              "imagebatch",
              RealCluster.repoRoot().resolve("helm/imagebatch").toString(),
              "-n",
              "imagebatch-system",
              "--reset-values",
              "-f",
              values.toString(),
              "--wait",
              "--timeout=3m")
          .orThrow();
    }
  }

  /** examples/http with what a user changes: namespace, the S3 endpoint, a small pod. */
  private static Example example(TestNamespace namespace, S3Server s3) {
    return Example.load("http/batch.yaml")
        .namespace(namespace.name())
        .set("spec.output.s3.endpoint", s3.endpoint().toString())
        .set(
            "spec.execution",
            Map.of("resources", Map.of("requests", Map.of("cpu", "500m", "memory", "1Gi"))));
  }

  /** IMAGEBATCH_HTTP_ALLOW_HOSTS of each runner pod of the batch (empty: not set). */
  private static List<Optional<String>> allowHostsOfRunnerPods(
      KubernetesClient client, TestNamespace namespace, String batch) {
    return client
        .pods()
        .inNamespace(namespace.name())
        .withLabel("imagebatch.io/batch", batch)
        .list()
        .getItems()
        .stream()
        .map(HttpExampleE2E::allowHosts)
        .toList();
  }

  private static Optional<String> allowHosts(Pod pod) {
    return pod.getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals("IMAGEBATCH_HTTP_ALLOW_HOSTS"))
        .map(EnvVar::getValue)
        .findFirst();
  }
}
