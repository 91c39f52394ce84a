package io.imagebatch.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ImageFailure;
import io.imagebatch.e2e.controlplane.Kubectl;
import io.imagebatch.e2e.controlplane.TestNamespace;
import io.imagebatch.vips.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory under a real cgroup, enforced by the kernel and reported by the kubelet: the runner's
 * budget keeps a 75-megapixel progressive JPEG inside a 1 GiB pod; under a limit too small for it,
 * the kernel kills the runner's worker and only that image fails (ProcessCrashed), its shard and
 * the batch go on (docs/runner.md, "A crash costs one image").
 */
@RealNode
class MemoryE2E {
  /** 10000x7500, progressive: every DCT coefficient held until the last scan (~470 MiB). */
  private static byte[] huge;

  @BeforeAll
  static void hugeProgressiveJpeg() {
    huge = TestImages.progressiveJpeg(10000, 7500);
  }

  @Test
  void aOneGibPodProcessesTheSeventyFiveMegapixelProgressiveJpeg(
      KubernetesClient client,
      Kubectl kubectl,
      TestNamespace namespace,
      RealCluster cluster,
      @TempDir Path dir)
      throws Exception {
    Example batch = batchOfTheHugeImage(client, namespace, cluster, "fits", "1Gi");
    kubectl.run("apply", "-f", batch.write(dir).toString()).orThrow();
    Batches.awaitComplete(kubectl, client, namespace, "fits");

    ImageBatchStatus status = Batches.get(client, namespace, "fits").getStatus();
    assertThat(status.images().succeeded()).isEqualTo(3);
    assertThat(status.images().failed()).isZero();
    assertThat(runnerPods(client, namespace, "fits"))
        .allSatisfy(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Succeeded"));
  }

  @Test
  void underALimitTooSmallTheKernelKillsTheWorkerAndOnlyThatImageFails(
      KubernetesClient client,
      Kubectl kubectl,
      TestNamespace namespace,
      RealCluster cluster,
      @TempDir Path dir)
      throws Exception {
    Example batch =
        batchOfTheHugeImage(client, namespace, cluster, "too-small", "384Mi")
            .set("spec.execution.maxFailedImages", 1);
    kubectl.run("apply", "-f", batch.write(dir).toString()).orThrow();
    Batches.awaitComplete(kubectl, client, namespace, "too-small");

    ImageBatchStatus status = Batches.get(client, namespace, "too-small").getStatus();
    assertThat(status.images().succeeded()).isEqualTo(2);
    assertThat(status.images().failed()).isEqualTo(1);
    ImageFailure failure = status.failures().getFirst();
    assertThat(failure.source()).endsWith("huge-progressive.jpg");
    assertThat(failure.reason()).isEqualTo("ProcessCrashed");
    assertThat(failure.message())
        .contains("SIGKILL (exit 137, as by an OOM kill at the memory limit)");
    // The pod itself was not killed: its supervisor survived and reported the shard.
    assertThat(runnerPods(client, namespace, "too-small"))
        .filteredOn(
            p -> "process".equals(p.getMetadata().getLabels().get("app.kubernetes.io/component")))
        .singleElement()
        .satisfies(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Succeeded"));
    // And it was the kernel's memory cgroup that killed it: its log names the pod's cgroup.
    String pod =
        runnerPods(client, namespace, "too-small").stream()
            .filter(
                p ->
                    "process"
                        .equals(p.getMetadata().getLabels().get("app.kubernetes.io/component")))
            .findFirst()
            .orElseThrow()
            .getMetadata()
            .getUid();
    assertThat(kernelLog())
        .anySatisfy(line -> assertThat(line).contains("CONSTRAINT_MEMCG").contains("pod" + pod));
  }

  /**
   * examples/pvc, one shard: the huge progressive JPEG and two small photos, under {@code limit}.
   */
  private static Example batchOfTheHugeImage(
      KubernetesClient client,
      TestNamespace namespace,
      RealCluster cluster,
      String name,
      String limit)
      throws Exception {
    Path uploads = HostVolumes.create(client, cluster, namespace, "uploads", true);
    Path incoming = Files.createDirectories(uploads.resolve("incoming"));
    Files.write(incoming.resolve("huge-progressive.jpg"), huge);
    Path images = RealCluster.repoRoot().resolve("examples/local/images");
    Files.copy(images.resolve("Kite.jpg"), incoming.resolve("Kite.jpg"));
    Files.copy(images.resolve("Shell.jpg"), incoming.resolve("Shell.jpg"));
    HostVolumes.create(client, cluster, namespace, "derived-images", true);
    return Example.load("pvc/batch.yaml")
        .namespace(namespace.name())
        .set("metadata.name", name)
        .set(
            "spec.execution",
            Map.of(
                "imagesPerShard",
                10,
                "retriesPerShard",
                0,
                "resources",
                Map.of(
                    "requests",
                    Map.of("cpu", "1", "memory", limit),
                    "limits",
                    Map.of("memory", limit))));
  }

  private static List<Pod> runnerPods(
      KubernetesClient client, TestNamespace namespace, String batch) {
    return client
        .pods()
        .inNamespace(namespace.name())
        .withLabel("imagebatch.io/batch", batch)
        .list()
        .getItems();
  }

  private static List<String> kernelLog() throws Exception {
    Process dmesg = new ProcessBuilder("dmesg").redirectErrorStream(true).start();
    List<String> lines = new String(dmesg.getInputStream().readAllBytes()).lines().toList();
    dmesg.waitFor();
    return lines;
  }
}
