package io.imagebatch.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.contract.ExitCode;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.e2e.controlplane.Kubectl;
import io.imagebatch.e2e.controlplane.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/s3 on the real node, step by step as README's "Run it on a cluster" says: the chart
 * installed by {@code e2e/node/cluster up} (the operator as its ServiceAccount, only the chart's
 * RBAC), a Secret with the credentials, the example applied with kubectl, {@code kubectl wait
 * --for=condition=Complete}. s3proxy on this machine's address plays MinIO.
 */
@RealNode
class S3ExampleE2E {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int IMAGES = 8;

  /** examples/s3's variants: thumb (webp, avif) and card (webp, avif, jpeg). */
  private static final List<String> OUTPUTS =
      List.of("thumb.webp", "thumb.avif", "card.webp", "card.avif", "card.jpeg");

  @Test
  void theS3ExampleTurnsCorpusPhotosIntoEveryVariantInShardsTwoAtATime(
      KubernetesClient client,
      Kubectl kubectl,
      TestNamespace namespace,
      RealCluster cluster,
      @TempDir Path dir)
      throws Exception {
    List<Path> photos = Corpus.images(IMAGES);
    try (S3Server s3 = S3Server.start(cluster.env().nodeIp());
        ObjectStore store = s3.client()) {
      store.createBucket("raw-photos");
      store.createBucket("derived");
      for (Path photo : photos) {
        store.put("raw-photos", "catalog/2026/" + photo.getFileName(), Files.readAllBytes(photo));
      }
      // The example's own first step (its comment), with this store's keys.
      S3Server.createCredentialsSecret(kubectl, namespace);
      // What a user changes: the namespace and endpoint, and sizes for one 2-CPU node
      // (2 images per shard, so 4 shards; 2 pods at a time; half a CPU each).
      Example example =
          Example.load("s3/batch.yaml")
              .namespace(namespace.name())
              .set("spec.source.s3.endpoint", s3.endpoint().toString())
              .set("spec.output.s3.endpoint", s3.endpoint().toString())
              .set("spec.execution.imagesPerShard", 2)
              .set("spec.execution.parallelism", 2)
              .set("spec.execution.resources.requests", Map.of("cpu", "500m", "memory", "1Gi"));
      kubectl.run("apply", "-f", example.write(dir).toString()).orThrow();
      String name = example.name();

      Batches.awaitComplete(kubectl, client, namespace, name);

      ImageBatchStatus status = Batches.get(client, namespace, name).getStatus();
      assertThat(status.phase()).isEqualTo(Phase.Succeeded);

      // Every variant of every photo, in the bucket, in its format.
      SortedMap<String, Long> written = store.list("derived", "catalog/");
      long bytesOut = 0;
      for (Path photo : photos) {
        String stem = stem(photo);
        for (String output : OUTPUTS) {
          String key = "catalog/" + stem + "-" + output;
          assertThat(written).containsKey(key);
          byte[] head = Arrays.copyOf(store.get("derived", key), 12);
          assertThat(format(head)).as(key).isEqualTo(output.substring(output.indexOf('.') + 1));
          bytesOut += written.get(key);
        }
      }

      // Status counts: the Job's shards, the runners' summaries. A shard pod may fail here: now
      // and then a PUT to s3proxy breaks off on every retry ("Error writing request body to
      // server"), the runner exits 4 (storage unreachable) and the Job runs the index again,
      // which skips what the first attempt wrote (overwrite: IfChanged). Then the counts hold as
      // sums; without a retry they are exact.
      String diagnostics = Batches.describe(client, namespace, name);
      boolean retried = retried(client, namespace, name);
      assertThat(status.images().total()).as(diagnostics).isEqualTo(IMAGES);
      assertThat(status.images().failed()).as(diagnostics).isZero();
      assertThat(status.shards().total()).isEqualTo(4);
      assertThat(status.shards().succeeded()).isEqualTo(4);
      if (retried) {
        assertThat(status.images().succeeded() + status.images().skipped())
            .as(diagnostics)
            .isEqualTo(IMAGES);
        assertThat(status.variants().written())
            .as(diagnostics)
            .isBetween(1L, (long) IMAGES * OUTPUTS.size());
      } else {
        assertThat(status.images().succeeded()).as(diagnostics).isEqualTo(IMAGES);
        assertThat(status.variants().written()).isEqualTo((long) IMAGES * OUTPUTS.size());
        assertThat(status.variants().bytesOut()).isEqualTo(bytesOut);
      }

      // The plan and the manifest are where status says, and the manifest agrees with status.
      assertThat(status.manifest()).isEqualTo("s3://derived/catalog/_imagebatch/" + name + "/1/");
      String prefix = "catalog/_imagebatch/" + name + "/1/";
      JsonNode plan = JSON.readTree(store.text("derived", prefix + "plan/plan.json"));
      assertThat(plan.path("total").asLong()).isEqualTo(IMAGES);
      assertThat(plan.path("shards").asInt()).isEqualTo(4);
      List<JsonNode> lines = new ArrayList<>();
      for (String key : store.keys("derived", prefix + "manifest/")) {
        for (String line : store.text("derived", key).split("\n")) {
          lines.add(JSON.readTree(line));
        }
      }
      assertThat(lines).hasSize(IMAGES);
      assertThat(lines)
          .allSatisfy(
              l ->
                  assertThat(l.path("status").asText())
                      .isIn(retried ? List.of("succeeded", "skipped") : List.of("succeeded")));
      // Each line lists every variant of its image; those the run wrote are what status counts.
      assertThat(
              lines.stream()
                  .flatMap(
                      l ->
                          java.util.stream.StreamSupport.stream(
                              l.path("variants").spliterator(), false))
                  .filter(v -> "written".equals(v.path("status").asText()))
                  .count())
          .as(diagnostics)
          .isEqualTo(status.variants().written());

      // What a user sees: kubectl get, describe (events), the runner pods' JSON logs.
      String row = kubectl.run("-n", namespace.name(), "get", "ib", name, "--no-headers").orThrow();
      // NAME PHASE STATUS (the Ready condition's reason) PROGRESS FAILED
      assertThat(row.split("\\s+"))
          .startsWith(name, "Succeeded", "Succeeded", IMAGES + "/" + IMAGES, "0");
      String described = kubectl.run("-n", namespace.name(), "describe", "ib", name).orThrow();
      assertThat(described).contains("Planning", "Running", "Succeeded");
      List<Pod> runners =
          client
              .pods()
              .inNamespace(namespace.name())
              .withLabel("imagebatch.io/batch", name)
              .list()
              .getItems();
      assertThat(runners).hasSizeGreaterThanOrEqualTo(5); // the plan pod and 4 shards
      for (Pod pod : runners) {
        assertThat(pod.getSpec().getContainers().get(0).getImage())
            .isEqualTo(cluster.env().runnerImage());
        String log =
            kubectl.run("-n", namespace.name(), "logs", pod.getMetadata().getName()).orThrow();
        List<String> logLines = log.lines().filter(l -> !l.isBlank()).toList();
        assertThat(logLines).as(pod.getMetadata().getName()).isNotEmpty();
        // Every line is JSON, but for the one plain-text line on stderr of a shard that stopped
        // on storage (exit 4): kubectl describe shows it (FallbackToLogsOnError). Lines that
        // threads or the supervisor log as the runner stops can come after it.
        List<String> plain = logLines.stream().filter(l -> !l.startsWith("{")).toList();
        if (!plain.isEmpty()) {
          assertThat(Pods.terminated(pod)).as(log).isNotNull();
          assertThat(Pods.terminated(pod).getExitCode())
              .as(log)
              .isEqualTo(ExitCode.STORAGE_UNREACHABLE.code());
          assertThat(plain).as(log).singleElement().asString().startsWith("storage unreachable: ");
        }
        assertThat(logLines)
            .filteredOn(l -> l.startsWith("{"))
            .allSatisfy(
                l -> assertThat(JSON.readTree(l).path("msg").isMissingNode()).as(l).isFalse());
      }

      // A spec change (a new variant, applied as Git would) starts generation 2, which writes
      // only what is missing: the new variant. What generation 1 wrote is left as it was.
      byte[] before = store.get("derived", "catalog/" + stem(photos.getFirst()) + "-thumb.webp");
      List<Object> variants = new ArrayList<>();
      example.get("spec.variants").forEach(variants::add);
      variants.add(Map.of("name", "hero", "width", 1200, "formats", List.of("webp")));
      kubectl
          .run("apply", "-f", example.set("spec.variants", variants).write(dir).toString())
          .orThrow();
      await("generation 2 Succeeded")
          .atMost(Duration.ofMinutes(15))
          .until(
              () -> Batches.get(client, namespace, name).getStatus(),
              s -> s.observedGeneration() == 2 && s.phase() == Phase.Succeeded);
      ImageBatchStatus second = Batches.get(client, namespace, name).getStatus();
      boolean secondRetried = retried(client, namespace, name);
      if (!secondRetried) {
        assertThat(second.variants().written()).isEqualTo(IMAGES);
        assertThat(second.images().succeeded()).isEqualTo(IMAGES);
      }
      assertThat(store.get("derived", "catalog/" + stem(photos.getFirst()) + "-thumb.webp"))
          .isEqualTo(before);
      assertThat(store.list("derived", "catalog/"))
          .containsKey("catalog/" + stem(photos.getFirst()) + "-hero.webp");
      List<JsonNode> secondRun = new ArrayList<>();
      for (String key : store.keys("derived", "catalog/_imagebatch/" + name + "/2/manifest/")) {
        for (String line : store.text("derived", key).split("\n")) {
          secondRun.add(JSON.readTree(line));
        }
      }
      assertThat(secondRun).hasSize(IMAGES);
      assertThat(secondRun)
          .allSatisfy(
              line ->
                  line.path("variants")
                      .forEach(
                          v ->
                              assertThat(v.path("status").asText())
                                  .as(v.toString())
                                  .isIn(
                                      !v.path("variant").asText().equals("hero")
                                          ? List.of("skipped")
                                          : secondRetried
                                              ? List.of("written", "skipped")
                                              : List.of("written"))));
      assertThat(client.batch().v1().jobs().inNamespace(namespace.name()).list().getItems())
          .extracting(j -> j.getMetadata().getName())
          .containsExactlyInAnyOrder(name + "-plan-g2", name + "-g2");
    }
  }

  /** Whether a runner pod of the batch failed, so that its index ran again. */
  private static boolean retried(KubernetesClient client, TestNamespace namespace, String name) {
    return client
        .pods()
        .inNamespace(namespace.name())
        .withLabel("imagebatch.io/batch", name)
        .list()
        .getItems()
        .stream()
        .anyMatch(p -> "Failed".equals(p.getStatus().getPhase()));
  }

  private static String stem(Path photo) {
    String name = photo.getFileName().toString();
    return name.substring(0, name.lastIndexOf('.'));
  }

  /** The format a file's first bytes say it is. */
  private static String format(byte[] head) {
    String hex = HexFormat.of().formatHex(head);
    if (hex.startsWith("ffd8ff")) {
      return "jpeg";
    }
    String ascii = new String(head, java.nio.charset.StandardCharsets.ISO_8859_1);
    if (ascii.startsWith("RIFF") && ascii.substring(8).startsWith("WEBP")) {
      return "webp";
    }
    if (ascii.substring(4).startsWith("ftypavif")) {
      return "avif";
    }
    return hex;
  }
}
