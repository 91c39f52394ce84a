package io.imagebatch.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.e2e.controlplane.Kubectl;
import io.imagebatch.e2e.controlplane.TestNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a real cluster does to a batch: the operator pod force-deleted, the leader of two replicas
 * lost, a runner pod force-deleted in the middle of its shard. Each batch still finishes, with no
 * duplicate Jobs and the same bytes.
 */
@RealNode
class FaultsE2E {
  private static final String SYSTEM = "imagebatch-system";
  private static final String LEASE = "imagebatch-operator";

  @Test
  void aForceDeletedOperatorIsReplacedAndItsSuccessorFinishesTheBatch(
      KubernetesClient client,
      Kubectl kubectl,
      TestNamespace namespace,
      RealCluster cluster,
      @TempDir Path dir)
      throws Exception {
    Example batch = threeShardBatch(client, namespace, cluster, "operator-lost");
    kubectl.run("apply", "-f", batch.write(dir).toString()).orThrow();
    awaitShardsDone(client, namespace, batch.name(), 1);
    String leader = leaseHolder(client);

    kubectl.run("-n", SYSTEM, "delete", "pod", leader, "--force", "--grace-period=0").orThrow();

    await("a new operator pod holds the Lease")
        .atMost(Duration.ofMinutes(3))
        .until(() -> leaseHolder(client), h -> h != null && !h.equals(leader));
    Batches.awaitComplete(kubectl, client, namespace, batch.name());
    assertThat(jobs(client, namespace))
        .containsExactlyInAnyOrder("operator-lost-plan-g1", "operator-lost-g1");
    assertThat(Batches.get(client, namespace, batch.name()).getStatus().images().succeeded())
        .isEqualTo(6);
  }

  @Test
  void withTwoReplicasTheStandbyTakesOverWhenTheLeaderIsLost(
      KubernetesClient client,
      Kubectl kubectl,
      TestNamespace namespace,
      RealCluster cluster,
      @TempDir Path dir)
      throws Exception {
    Path values = dir.resolve("values-before.yaml");
    Files.writeString(
        values, cluster.helm("get", "values", "imagebatch", "-n", SYSTEM, "-o", "yaml").orThrow());
    try {
      cluster.helm(upgrade("--reuse-values", "--set", "replicas=2")).orThrow();
      kubectl.run("-n", SYSTEM, "rollout", "status", "deploy/imagebatch", "--timeout=3m").orThrow();
      Example batch = threeShardBatch(client, namespace, cluster, "leader-lost");
      kubectl.run("apply", "-f", batch.write(dir).toString()).orThrow();
      awaitShardsDone(client, namespace, batch.name(), 1);
      String leader = leaseHolder(client);
      List<String> operators = operatorPods(client);
      assertThat(operators).hasSize(2).contains(leader);

      kubectl.run("-n", SYSTEM, "delete", "pod", leader, "--force", "--grace-period=0").orThrow();

      // Another live replica holds the Lease: usually the standby, but the Deployment's
      // replacement pod may start before the Lease expires and win it (both retry every 2 s).
      await("another replica holds the Lease")
          .atMost(Duration.ofMinutes(3))
          .until(
              () -> leaseHolder(client),
              holder -> !leader.equals(holder) && operatorPods(client).contains(holder));
      Batches.awaitComplete(kubectl, client, namespace, batch.name());
      assertThat(jobs(client, namespace))
          .containsExactlyInAnyOrder("leader-lost-plan-g1", "leader-lost-g1");
    } finally {
      cluster.helm(upgrade("--reset-values", "-f", values.toString())).orThrow();
    }
  }

  @Test
  void aRunnerPodForceDeletedMidShardIsRetriedAndWritesTheSameBytes(
      KubernetesClient client,
      Kubectl kubectl,
      TestNamespace namespace,
      RealCluster cluster,
      @TempDir Path dir)
      throws Exception {
    List<Path> photos = Corpus.images(4);
    Path source = HostVolumes.create(client, cluster, namespace, "uploads", true);
    for (Path photo : photos) {
      Files.createDirectories(source.resolve("incoming"));
      Files.copy(photo, source.resolve("incoming").resolve(photo.getFileName()));
    }
    Path interrupted = HostVolumes.create(client, cluster, namespace, "interrupted", true);
    Path whole = HostVolumes.create(client, cluster, namespace, "uninterrupted", true);
    // One shard of four large photos, so the pod is killed with some variants written and some not.
    Example killed = shardOf4(namespace, "killed", "interrupted");
    kubectl.run("apply", "-f", killed.write(dir).toString()).orThrow();
    await("the shard pod has written a variant")
        .atMost(Duration.ofMinutes(5))
        .until(() -> !variants(interrupted.resolve("variants")).isEmpty());
    Pod victim =
        client
            .pods()
            .inNamespace(namespace.name())
            .withLabel("job-name", "killed-g1")
            .list()
            .getItems()
            .getFirst();
    kubectl
        .run(
            "-n",
            namespace.name(),
            "delete",
            "pod",
            victim.getMetadata().getName(),
            "--force",
            "--grace-period=0")
        .orThrow();
    Batches.awaitComplete(kubectl, client, namespace, "killed");

    Example reference = shardOf4(namespace, "reference", "uninterrupted");
    kubectl.run("apply", "-f", reference.write(dir).toString()).orThrow();
    Batches.awaitComplete(kubectl, client, namespace, "reference");

    Job job = client.batch().v1().jobs().inNamespace(namespace.name()).withName("killed-g1").get();
    assertThat(job.getStatus().getFailed())
        .as("the killed pod counted against the index")
        .isEqualTo(1);
    ImageBatchStatus status = Batches.get(client, namespace, "killed").getStatus();
    assertThat(status.images().succeeded() + status.images().skipped()).isEqualTo(4);
    Map<String, byte[]> expected = variants(whole.resolve("variants"));
    assertThat(expected).hasSize(12);
    Map<String, byte[]> actual = variants(interrupted.resolve("variants"));
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    expected.forEach((name, bytes) -> assertThat(actual.get(name)).as(name).isEqualTo(bytes));
  }

  /** examples/pvc on the bundled images, 2 per shard, one pod at a time: three shards in a row. */
  private static Example threeShardBatch(
      KubernetesClient client, TestNamespace namespace, RealCluster cluster, String name) {
    Path uploads = HostVolumes.create(client, cluster, namespace, "uploads", true);
    HostVolumes.copy(
        RealCluster.repoRoot().resolve("examples/local/images"), uploads.resolve("incoming"));
    HostVolumes.create(client, cluster, namespace, "derived-images", true);
    return Example.load("pvc/batch.yaml")
        .namespace(namespace.name())
        .set("metadata.name", name)
        .set(
            "spec.execution",
            Map.of(
                "imagesPerShard", 2,
                "parallelism", 1,
                "resources", Map.of("requests", Map.of("cpu", "500m", "memory", "1Gi"))));
  }

  private static Example shardOf4(TestNamespace namespace, String name, String output) {
    return Example.load("pvc/batch.yaml")
        .namespace(namespace.name())
        .set("metadata.name", name)
        .set("spec.output.volume.claimName", output)
        .set(
            "spec.execution",
            Map.of(
                "imagesPerShard", 4,
                "retriesPerShard", 2,
                "resources", Map.of("requests", Map.of("cpu", "1", "memory", "1Gi"))));
  }

  private static void awaitShardsDone(
      KubernetesClient client, TestNamespace namespace, String name, int shards) {
    await(name + ": " + shards + " shard(s) done")
        .atMost(Duration.ofMinutes(5))
        .until(
            () -> {
              ImageBatchStatus status = Batches.get(client, namespace, name).getStatus();
              return status != null
                      && status.shards() != null
                      && status.shards().succeeded() != null
                  ? status.shards().succeeded()
                  : 0;
            },
            done -> done >= shards);
  }

  private static String leaseHolder(KubernetesClient client) {
    Lease lease = client.leases().inNamespace(SYSTEM).withName(LEASE).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static List<String> operatorPods(KubernetesClient client) {
    return client.pods().inNamespace(SYSTEM).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> "Running".equals(p.getStatus().getPhase()))
        .map(p -> p.getMetadata().getName())
        .toList();
  }

  private static List<String> jobs(KubernetesClient client, TestNamespace namespace) {
    return client.batch().v1().jobs().inNamespace(namespace.name()).list().getItems().stream()
        .map(j -> j.getMetadata().getName())
        .toList();
  }

  private static String[] upgrade(String... args) {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "upgrade",
                "imagebatch",
                RealCluster.repoRoot().resolve("helm/imagebatch").toString(),
                "-n",
                SYSTEM));
    command.addAll(List.of(args));
    command.addAll(List.of("--wait", "--timeout=3m"));
    return command.toArray(String[]::new);
  }

  /** Every variant file under a directory (not the manifest), relative name to bytes. */
  private static Map<String, byte[]> variants(Path dir) {
    Map<String, byte[]> files = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        String name = dir.relativize(file).toString();
        if (!name.startsWith("_imagebatch/")) {
          files.put(name, Files.readAllBytes(file));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }
}
