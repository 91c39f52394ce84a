package io.imagebatch.e2e.fullflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.contract.PlanSummary;
import io.imagebatch.api.contract.TerminationMessage;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ImageCounts;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.PinnedRunner;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ShardCounts;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.imagebatch.api.v1alpha1.ImageRunnerStatus.VerificationPhase;
import io.imagebatch.api.v1alpha1.RunnerColor;
import io.imagebatch.e2e.controlplane.ControlPlane;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.RequiresControllerManager;
import io.imagebatch.e2e.controlplane.TestNamespace;
import io.imagebatch.e2e.controlplane.node.NodeSimulator;
import io.imagebatch.e2e.controlplane.node.PodBehavior;
import io.imagebatch.operator.InProcessOperator;
import io.imagebatch.vips.FailOn;
import io.imagebatch.vips.VipsImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The whole system on the real control plane: an ImageBatch applied with kubectl, the operator
 * (in-process, the real reconciler) creating the spec ConfigMap, the planning Job and the Indexed
 * Job, the real job controller creating their pods in a namespace that enforces the "restricted"
 * Pod Security Standard, the node simulator running each pod's container as the real runner jar
 * (env from the Secret, the ConfigMap-mounted spec, the termination message file), s3proxy as the
 * object store, and the runner's termination messages folded into status.
 */
@ExtendWith(ControlPlaneExtension.class)
@RequiresControllerManager
class FullFlowE2E {
  private static final Duration LIMIT = Duration.ofMinutes(3);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCESS_KEY = "imagebatch-access";
  private static final String SECRET_KEY = "imagebatch-secret";
  private static final String SOURCE = "raw";
  private static final String OUTPUT = "derived";
  private static final String BAD = "bad/notes.jpg";
  private static final byte[] NOT_AN_IMAGE =
      "these are notes, not a JPEG\n".getBytes(StandardCharsets.UTF_8);

  /** thumb: width only; card: a 200x200 centre crop. Both as webp and jpeg. */
  private static final String TWO_VARIANTS =
      """
      - { name: thumb, width: 160, formats: [webp, jpeg] }
      - { name: card, width: 200, height: 200, fit: cover, formats: [webp, jpeg] }
      """;

  private static final List<String> WEBP_JPEG = List.of("webp", "jpeg");

  @RegisterExtension
  final S3ProxyExtension s3proxy =
      S3ProxyExtension.builder().withCredentials(ACCESS_KEY, SECRET_KEY).build();

  @Test
  void anS3BatchFlowsThroughTheOperatorTheJobsAndTheRunnerIntoStatus(
      KubernetesClient client, TestNamespace ns, NodeSimulator node, ControlPlane plane)
      throws IOException {
    Map<String, byte[]> images = Fixture.images();
    try (ObjectStore s3 = store();
        var _ = InProcessOperator.start(client, ns.name())) {
      prepare(client, ns, node, s3, images);

      apply(plane, ns, batch("catalog", TWO_VARIANTS, 2));
      ImageBatch done = awaitComplete(client, ns, node, "catalog", 1);

      // Status: the runner's termination messages, folded by the operator.
      ImageBatchStatus status = done.getStatus();
      int sources = images.size() + 1; // the examples plus the bad object
      int shards = (sources + 1) / 2; // imagesPerShard 2
      assertThat(shards).isGreaterThanOrEqualTo(3);
      assertThat(status.phase()).isEqualTo(Phase.Succeeded);
      assertThat(status.images())
          .isEqualTo(new ImageCounts((long) sources, (long) images.size(), 1L, 0L));
      assertThat(status.shards()).isEqualTo(new ShardCounts(shards, shards, 0, 0));
      assertThat(status.progress()).isEqualTo(sources + "/" + sources);
      assertThat(status.runner().image()).isEqualTo(InProcessOperator.IMAGE);
      assertThat(status.failures())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.source()).isEqualTo(BAD);
                assertThat(f.reason()).isEqualTo("UnsupportedFormat");
              });

      // Every variant exists, with its Content-Type, and decodes to the size asked for.
      SortedMap<String, Long> written = s3.list(OUTPUT, "out/");
      written.keySet().removeIf(k -> k.startsWith("out/_imagebatch/"));
      List<String> expected = expectedKeys(images, Map.of("thumb", WEBP_JPEG, "card", WEBP_JPEG));
      assertThat(written.keySet()).containsExactlyInAnyOrderElementsOf(expected);
      for (String key : expected) {
        assertVariant(s3, key);
      }
      assertThat(status.variants().written()).isEqualTo(expected.size());
      assertThat(status.variants().bytesOut())
          .isEqualTo(written.values().stream().mapToLong(Long::longValue).sum());
      assertThat(status.variants().bytesIn())
          .isEqualTo(images.values().stream().mapToLong(b -> b.length).sum() + NOT_AN_IMAGE.length);

      // The manifest status points at: one line per source, the bad one with its reason.
      assertThat(status.manifest()).isEqualTo("s3://derived/out/_imagebatch/catalog/1/");
      Map<String, JsonNode> manifest = manifest(s3, status.manifest());
      assertThat(manifest.keySet())
          .containsExactlyInAnyOrderElementsOf(
              Stream.concat(images.keySet().stream(), Stream.of(BAD)).toList());
      assertThat(manifest.get(BAD).path("status").asText()).isEqualTo("failed");
      assertThat(manifest.get(BAD).path("reason").asText()).isEqualTo("UnsupportedFormat");
      assertThat(manifest.values())
          .filteredOn(line -> !line.path("source").asText().equals(BAD))
          .allSatisfy(
              line -> {
                assertThat(line.path("status").asText()).isEqualTo("succeeded");
                assertThat(line.path("variants")).hasSize(4);
              });
      PlanSummary plan =
          TerminationMessage.plan(s3.text(OUTPUT, "out/_imagebatch/catalog/1/plan/plan.json"))
              .orElseThrow();
      assertThat(plan.total()).isEqualTo(sources);
      assertThat(plan.shards()).isEqualTo(shards);

      // The Jobs and their pods: the pod contract and the restricted security context.
      Job planJob = job(client, ns, "catalog-plan-g1");
      Job processJob = job(client, ns, "catalog-g1");
      assertThat(processJob.getSpec().getCompletionMode()).isEqualTo("Indexed");
      assertThat(processJob.getSpec().getCompletions()).isEqualTo(shards);
      assertThat(processJob.getSpec().getParallelism()).isEqualTo(2);
      for (Job job : List.of(planJob, processJob)) {
        assertRestricted(job.getSpec().getTemplate().getSpec());
      }
      List<Pod> pods = pods(client, ns, "catalog");
      assertThat(pods).hasSize(1 + shards); // no retries
      assertThat(pods)
          .allSatisfy(
              pod -> {
                assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
                assertRestricted(pod.getSpec());
                // The summary came from the runner's real termination message file.
                ContainerStateTerminated terminated = terminated(pod);
                assertThat(terminated.getExitCode()).isZero();
                assertThat(TerminationMessage.decode(terminated.getMessage())).isPresent();
              });
    }
  }

  @Test
  void aSpecChangeStartsANewRunThatWritesOnlyTheNewVariant(
      KubernetesClient client, TestNamespace ns, NodeSimulator node, ControlPlane plane)
      throws IOException {
    Map<String, byte[]> images = Fixture.images();
    String thumb = "- { name: thumb, width: 160, formats: [webp] }\n";
    String wide = "- { name: wide, width: 240, formats: [jpeg] }\n";
    try (ObjectStore s3 = store();
        var _ = InProcessOperator.start(client, ns.name())) {
      prepare(client, ns, node, s3, images);

      apply(plane, ns, batch("rerun", thumb, 4));
      ImageBatchStatus first = awaitComplete(client, ns, node, "rerun", 1).getStatus();
      assertThat(first.variants().written()).isEqualTo(images.size());
      Map<String, String> fingerprints =
          fingerprints(s3, expectedKeys(images, Map.of("thumb", List.of("webp"))));

      // kubectl apply again, with a variant added: generation 2, a new run.
      apply(plane, ns, batch("rerun", thumb + wide, 4));
      ImageBatch done = awaitComplete(client, ns, node, "rerun", 2);

      ImageBatchStatus status = done.getStatus();
      assertThat(status.images())
          .isEqualTo(new ImageCounts(images.size() + 1L, (long) images.size(), 1L, 0L));
      int shards = (images.size() + 1 + 3) / 4; // imagesPerShard 4
      assertThat(status.shards()).isEqualTo(new ShardCounts(shards, shards, 0, 0));
      // Only the new variant was written: thumb was already current (overwrite: IfChanged).
      assertThat(status.variants().written()).isEqualTo(images.size());
      assertThat(status.manifest()).isEqualTo("s3://derived/out/_imagebatch/rerun/2/");
      Map<String, JsonNode> manifest = manifest(s3, status.manifest());
      assertThat(manifest.values())
          .filteredOn(line -> !line.path("source").asText().equals(BAD))
          .hasSize(images.size())
          .allSatisfy(
              line ->
                  assertThat(variantStatuses(line))
                      .containsExactlyInAnyOrderEntriesOf(
                          Map.of("thumb.webp", "skipped", "wide.jpeg", "written")));
      for (String key : expectedKeys(images, Map.of("wide", List.of("jpeg")))) {
        assertVariant(s3, key);
      }
      assertThat(fingerprints(s3, expectedKeys(images, Map.of("thumb", List.of("webp")))))
          .isEqualTo(fingerprints);

      // The old run's Jobs are gone; the new run's are named after generation 2.
      await()
          .atMost(LIMIT)
          .until(
              () ->
                  client.batch().v1().jobs().inNamespace(ns.name()).list().getItems().stream()
                      .map(j -> j.getMetadata().getName())
                      .sorted()
                      .toList(),
              names -> names.equals(List.of("rerun-g2", "rerun-plan-g2")));
    }
  }

  @Test
  void anImageRunnerVerifiesANewRunnerImageAndTheNextBatchUsesIt(
      KubernetesClient client, TestNamespace ns, NodeSimulator node, ControlPlane plane)
      throws IOException {
    Map<String, byte[]> images = Fixture.images();
    URI endpoint = s3proxy.getUri();
    try (ObjectStore s3 = store();
        var _ = InProcessOperator.start(client, ns.name())) {
      prepare(client, ns, node, s3, images);

      ImageRunner runner =
          client
              .getKubernetesSerialization()
              .unmarshal(
                  """
                  apiVersion: imagebatch.io/v1alpha1
                  kind: ImageRunner
                  metadata: { name: default }
                  spec:
                    blue: { image: "%s" }
                    green: { image: "%s" }
                    active: blue
                    promotion:
                      strategy: Auto
                      verification:
                        source:
                          s3: { bucket: raw, prefix: in/, endpoint: "%s", credentialsSecret: s3-credentials }
                          include: ["**/*.jpg", "**/*.png"]
                          exclude: ["bad/**"]
                        variants: [ { name: v, width: 128, formats: [webp, avif, jpeg] } ]
                        output:
                          s3: { bucket: derived, prefix: verify/, endpoint: "%s", credentialsSecret: s3-credentials }
                        timeoutSeconds: 170
                  """
                      .formatted(InProcessOperator.IMAGE, RunnerImage.GREEN, endpoint, endpoint),
                  ImageRunner.class);
      client.resources(ImageRunner.class).inNamespace(ns.name()).resource(runner).create();

      // The candidate is verified by the real runner on real images, then promoted.
      ImageRunner promoted =
          await()
              .atMost(LIMIT)
              .until(
                  () -> {
                    ImageRunner r =
                        client
                            .resources(ImageRunner.class)
                            .inNamespace(ns.name())
                            .withName("default")
                            .get();
                    if (r.getStatus() != null
                        && r.getStatus().candidate() != null
                        && r.getStatus().candidate().verification().phase()
                            == VerificationPhase.Failed) {
                      throw new AssertionError(
                          "verification failed: "
                              + r.getStatus().candidate().verification().message()
                              + diagnostics(client, ns, node));
                    }
                    return r;
                  },
                  r ->
                      r.getStatus() != null
                          && RunnerImage.GREEN.equals(r.getStatus().activeImage()));
      assertThat(promoted.getStatus().activeColor()).isEqualTo(RunnerColor.GREEN);
      assertThat(promoted.getStatus().history().getLast().reason()).isEqualTo("Verified");
      SortedMap<String, Long> verified = s3.list(OUTPUT, "verify/");
      verified.keySet().removeIf(k -> k.startsWith("verify/_imagebatch/"));
      assertThat(verified).hasSize(images.size() * 3);

      // The next batch runs on green, processes everything, and says so.
      apply(plane, ns, batch("after", "- { name: thumb, width: 160, formats: [webp] }\n", 4));
      ImageBatch done = awaitComplete(client, ns, node, "after", 1);
      assertThat(done.getStatus().runner())
          .isEqualTo(new PinnedRunner("default", "green", RunnerImage.GREEN));
      assertThat(done.getStatus().images().succeeded()).isEqualTo(images.size());
      assertThat(job(client, ns, "after-g1").getSpec().getTemplate().getSpec().getContainers())
          .singleElement()
          .satisfies(c -> assertThat(c.getImage()).isEqualTo(RunnerImage.GREEN));
    }
  }

  // --- the world: buckets, images, Secret, namespace, node -------------------------------------

  private ObjectStore store() {
    return new ObjectStore(s3proxy.getUri(), ACCESS_KEY, SECRET_KEY);
  }

  /**
   * Buckets with every file of examples/local/images (LICENSE.md included, which the include globs
   * leave out) and one bad object; the credentials Secret; a namespace that enforces "restricted";
   * the node running the runner jar for every pod.
   */
  private static void prepare(
      KubernetesClient client,
      TestNamespace ns,
      NodeSimulator node,
      ObjectStore s3,
      Map<String, byte[]> images)
      throws IOException {
    s3.createBucket(SOURCE);
    s3.createBucket(OUTPUT);
    for (Map.Entry<String, byte[]> file : Fixture.files().entrySet()) {
      s3.put(SOURCE, "in/" + file.getKey(), file.getValue());
    }
    s3.put(SOURCE, "in/" + BAD, NOT_AN_IMAGE);
    assertThat(images).hasSizeGreaterThanOrEqualTo(4); // 4+ sources at 2 per shard: 3+ shards

    ObjectStore.credentialsSecret(client, ns.name(), ACCESS_KEY, SECRET_KEY);
    client
        .namespaces()
        .withName(ns.name())
        .edit(
            n -> {
              n.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
              return n;
            });
    node.behavior(PodBehavior.process(RunnerImage.commandMapper()));
  }

  private String batch(String name, String variants, int imagesPerShard) {
    URI endpoint = s3proxy.getUri();
    return """
        apiVersion: imagebatch.io/v1alpha1
        kind: ImageBatch
        metadata:
          name: %s
        spec:
          source:
            s3: { bucket: raw, prefix: in/, endpoint: "%s", credentialsSecret: s3-credentials }
            include: ["**/*.jpg", "**/*.png"]
          variants:
        %s
          output:
            s3: { bucket: derived, prefix: out/, endpoint: "%s", credentialsSecret: s3-credentials }
            overwrite: IfChanged
          execution:
            imagesPerShard: %d
            parallelism: 2
            maxFailedImages: 1
        """
        .formatted(name, endpoint, variants.indent(4).stripTrailing(), endpoint, imagesPerShard);
  }

  private static void apply(ControlPlane plane, TestNamespace ns, String yaml) throws IOException {
    Path file = Files.createTempFile("imagebatch-", ".yaml");
    try {
      Files.writeString(file, yaml);
      assertThat(plane.kubectl("apply", "-n", ns.name(), "-f", file.toString()).orThrow())
          .contains("imagebatch.imagebatch.io/");
    } finally {
      Files.delete(file);
    }
  }

  // --- waiting ----------------------------------------------------------------------------------

  /**
   * Waits for {@code Complete=True} for this generation; a {@code Failed=True} ends the wait at
   * once, with the pods' outcomes and runner logs in the message.
   */
  private static ImageBatch awaitComplete(
      KubernetesClient client, TestNamespace ns, NodeSimulator node, String name, long generation) {
    return await()
        .atMost(LIMIT)
        .until(
            () -> {
              ImageBatch batch =
                  client.resources(ImageBatch.class).inNamespace(ns.name()).withName(name).get();
              if (isTrue(batch, "Failed", generation)) {
                throw new AssertionError(
                    "batch "
                        + name
                        + " failed: "
                        + batch.getStatus()
                        + diagnostics(client, ns, node));
              }
              return batch;
            },
            batch -> isTrue(batch, "Complete", generation));
  }

  private static boolean isTrue(ImageBatch batch, String type, long generation) {
    return batch != null
        && batch.getStatus() != null
        && batch.getStatus().conditions() != null
        && Long.valueOf(generation).equals(batch.getStatus().observedGeneration())
        && batch.getStatus().conditions().stream()
            .anyMatch(
                c ->
                    type.equals(c.getType())
                        && "True".equals(c.getStatus())
                        && Long.valueOf(generation).equals(c.getObservedGeneration()));
  }

  private static String diagnostics(KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    StringBuilder out = new StringBuilder();
    for (Pod pod : client.pods().inNamespace(ns.name()).list().getItems()) {
      String name = pod.getMetadata().getName();
      out.append("\n--- pod ").append(name).append(": ").append(pod.getStatus().getPhase());
      ContainerStateTerminated terminated = terminated(pod);
      if (terminated != null) {
        out.append(" exit ").append(terminated.getExitCode());
        out.append(" message ").append(terminated.getMessage());
      }
      Path log = node.scratchDir(name).resolve("container.log");
      try {
        if (Files.exists(log)) {
          List<String> lines = Files.readAllLines(log);
          out.append('\n')
              .append(
                  String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
        }
      } catch (IOException e) {
        out.append("\n(no log: ").append(e.getMessage()).append(')');
      }
    }
    return out.toString();
  }

  // --- what was written -------------------------------------------------------------------------

  /** out/{dir}/{stem}-{variant}.{format} for every image, variant and format. */
  private static List<String> expectedKeys(
      Map<String, byte[]> images, Map<String, List<String>> formatsByVariant) {
    List<String> keys = new ArrayList<>();
    for (String source : images.keySet()) {
      String stem = source.substring(0, source.lastIndexOf('.'));
      formatsByVariant.forEach(
          (variant, formats) ->
              formats.forEach(format -> keys.add("out/" + stem + "-" + variant + "." + format)));
    }
    return keys;
  }

  /** The object has the variant's Content-Type and magic bytes, and libvips decodes it whole. */
  private static void assertVariant(ObjectStore s3, String key) {
    String format = key.substring(key.lastIndexOf('.') + 1);
    HeadObjectResponse head = s3.head(OUTPUT, key);
    assertThat(head.contentType()).as(key).isEqualTo("image/" + format);
    assertThat(head.metadata().get("imagebatch-fingerprint")).as(key).startsWith("sha256=");
    byte[] bytes = s3.get(OUTPUT, key);
    if (format.equals("webp")) {
      assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).as(key).isEqualTo("RIFF");
      assertThat(new String(bytes, 8, 4, StandardCharsets.US_ASCII)).as(key).isEqualTo("WEBP");
    } else {
      assertThat(Arrays.copyOf(bytes, 3))
          .as(key)
          .containsExactly((byte) 0xFF, (byte) 0xD8, (byte) 0xFF);
    }
    try (VipsImage image = VipsImage.open(bytes, FailOn.ERROR)) {
      image.average(); // decodes every pixel
      String variant = key.substring(key.lastIndexOf('-') + 1, key.lastIndexOf('.'));
      switch (variant) {
        case "thumb" -> assertThat(image.width()).as(key).isEqualTo(160);
        case "wide" -> assertThat(image.width()).as(key).isEqualTo(240);
        case "card" -> {
          assertThat(image.width()).as(key).isEqualTo(200);
          assertThat(image.height()).as(key).isEqualTo(200);
        }
        default -> throw new AssertionError("unexpected variant " + key);
      }
    }
  }

  private static Map<String, String> fingerprints(ObjectStore s3, List<String> keys) {
    Map<String, String> fingerprints = new TreeMap<>();
    for (String key : keys) {
      HeadObjectResponse head = s3.head(OUTPUT, key);
      fingerprints.put(key, head.eTag() + " " + head.metadata().get("imagebatch-fingerprint"));
    }
    return fingerprints;
  }

  /** Every manifest line under {@code s3://bucket/prefix/manifest/}, by source. */
  private static Map<String, JsonNode> manifest(ObjectStore s3, String location) {
    URI uri = URI.create(location);
    assertThat(uri.getScheme()).isEqualTo("s3");
    String bucket = uri.getHost();
    String prefix = uri.getPath().substring(1) + "manifest/";
    List<String> shards = s3.keys(bucket, prefix);
    assertThat(shards).isNotEmpty().allMatch(k -> k.matches(".*/shard-\\d{5}\\.jsonl"));
    Map<String, JsonNode> lines = new TreeMap<>();
    for (String shard : shards) {
      s3.text(bucket, shard)
          .lines()
          .forEach(
              line -> {
                try {
                  JsonNode node = JSON.readTree(line);
                  assertThat(lines.put(node.path("source").asText(), node)).isNull();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
    return lines;
  }

  private static Map<String, String> variantStatuses(JsonNode line) {
    Map<String, String> statuses = new TreeMap<>();
    line.path("variants")
        .forEach(
            v ->
                statuses.put(
                    v.path("variant").asText() + "." + v.path("format").asText(),
                    v.path("status").asText()));
    return statuses;
  }

  // --- Kubernetes objects -----------------------------------------------------------------------

  private static Job job(KubernetesClient client, TestNamespace ns, String name) {
    Job job = client.batch().v1().jobs().inNamespace(ns.name()).withName(name).get();
    assertThat(job).as("Job " + name).isNotNull();
    return job;
  }

  private static List<Pod> pods(KubernetesClient client, TestNamespace ns, String batch) {
    return client
        .pods()
        .inNamespace(ns.name())
        .withLabel("imagebatch.io/batch", batch)
        .list()
        .getItems();
  }

  private static ContainerStateTerminated terminated(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    return pod.getStatus().getContainerStatuses().stream()
        .map(s -> s.getState() == null ? null : s.getState().getTerminated())
        .filter(t -> t != null)
        .findFirst()
        .orElse(null);
  }

  /** The "restricted" Pod Security Standard, as the operator sets it. */
  private static void assertRestricted(PodSpec pod) {
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container runner = pod.getContainers().getFirst();
    assertThat(runner.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(runner.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(runner.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(runner.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(runner.getCommand()).isNullOrEmpty();
    assertThat(runner.getArgs().getFirst()).isIn("plan", "process");
    assertThat(runner.getArgs().subList(1, 3))
        .containsExactly("--spec", "/etc/imagebatch/batch.yaml");
    assertThat(runner.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
  }

  /** The bundled example images, read from examples/local/images. */
  static final class Fixture {
    private Fixture() {}

    static Path dir() {
      return Path.of(
          System.getProperty("imagebatch.examples.images", "../../examples/local/images"));
    }

    /** Every file, by its path relative to the directory. */
    static Map<String, byte[]> files() throws IOException {
      Map<String, byte[]> files = new TreeMap<>();
      Path dir = dir();
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path file : paths.filter(Files::isRegularFile).toList()) {
          files.put(dir.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
        }
      }
      return files;
    }

    /** The images among them (what the batch's include globs select). */
    static Map<String, byte[]> images() throws IOException {
      return files().entrySet().stream()
          .filter(e -> e.getKey().endsWith(".jpg") || e.getKey().endsWith(".png"))
          .collect(
              Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }
  }
}
