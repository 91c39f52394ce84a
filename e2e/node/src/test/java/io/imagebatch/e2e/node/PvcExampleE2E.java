package io.imagebatch.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.e2e.controlplane.Kubectl;
import io.imagebatch.e2e.controlplane.TestNamespace;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/pvc on the real node: two PersistentVolumeClaims bound to {@code local} volumes, whose
 * directories root owns and the runner (UID 65532) could not write, made writable by the pod's
 * {@code fsGroup: 65532}, which the kubelet applies to volumes that support ownership management.
 */
@RealNode
class PvcExampleE2E {

  @Test
  void thePvcExampleReadsOneClaimAndWritesTheOtherAsTheRunnersGroup(
      KubernetesClient client,
      Kubectl kubectl,
      TestNamespace namespace,
      RealCluster cluster,
      @TempDir Path dir)
      throws Exception {
    Path uploads = HostVolumes.create(client, cluster, namespace, "uploads", true);
    Path derived = HostVolumes.create(client, cluster, namespace, "derived-images", true);
    HostVolumes.copy(
        RealCluster.repoRoot().resolve("examples/local/images"), uploads.resolve("incoming"));
    // The example's exclude: ["**/tmp/**"] leaves this one out.
    HostVolumes.copy(
        RealCluster.repoRoot().resolve("examples/local/images/landscapes"),
        uploads.resolve("incoming/tmp"));
    Example example =
        Example.load("pvc/batch.yaml")
            .namespace(namespace.name())
            .set(
                "spec.execution",
                Map.of("resources", Map.of("requests", Map.of("cpu", "500m", "memory", "1Gi"))));
    kubectl.run("apply", "-f", example.write(dir).toString()).orThrow();

    Batches.awaitComplete(kubectl, client, namespace, example.name());

    ImageBatchStatus status = Batches.get(client, namespace, example.name()).getStatus();
    assertThat(status.images().total()).isEqualTo(6);
    assertThat(status.images().succeeded()).isEqualTo(6);
    // small (webp) and large (webp, avif) of each image, under output.volume.path.
    List<Path> variants;
    try (Stream<Path> files = Files.walk(derived.resolve("variants"))) {
      variants =
          files
              .filter(Files::isRegularFile)
              .filter(p -> !p.toString().contains("/_imagebatch/"))
              .toList();
    }
    assertThat(variants).hasSize(18);
    assertThat(variants.stream().map(p -> derived.resolve("variants").relativize(p).toString()))
        .contains("Kite-small.webp", "Kite-large.avif", "landscapes/Path-large.webp");
    // Owned by the runner's user and group, readable by everyone (umask 022 in the image).
    for (Path variant : variants) {
      assertThat(Files.getAttribute(variant, "unix:uid", LinkOption.NOFOLLOW_LINKS))
          .isEqualTo(65532);
      assertThat(Files.getAttribute(variant, "unix:gid", LinkOption.NOFOLLOW_LINKS))
          .isEqualTo(65532);
      assertThat(Files.getPosixFilePermissions(variant)).contains(PosixFilePermission.OTHERS_READ);
    }
    // The source claim is mounted read-only: nothing was written into it.
    try (Stream<Path> files = Files.walk(uploads)) {
      assertThat(files.filter(p -> p.toString().contains("_imagebatch"))).isEmpty();
    }
  }
}
