package io.imagebatch.e2e.node;

import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.TestNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A PersistentVolumeClaim bound to a hostPath PersistentVolume on the node: a real volume the
 * kubelet mounts into pods, whose files the test reads directly. The restricted profile forbids
 * hostPath in pods, not a claim bound to one.
 */
final class HostVolumes {
  static final int RUNNER_UID = 65532;

  private HostVolumes() {}

  /** A claim {@code name} in the namespace, bound to a fresh directory; returns the directory. */
  static Path create(
      KubernetesClient client, RealCluster cluster, TestNamespace namespace, String name) {
    String volume = namespace.name() + "-" + name;
    Path dir = Path.of(cluster.env().get("NODE_HOME"), "volumes", volume);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client
        .persistentVolumes()
        .resource(
            new PersistentVolumeBuilder()
                .withNewMetadata()
                .withName(volume)
                .withLabels(Map.of("imagebatch.io/test", "true"))
                .endMetadata()
                .withNewSpec()
                .withCapacity(Map.of("storage", new Quantity("1Gi")))
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName("")
                .withPersistentVolumeReclaimPolicy("Delete")
                .withNewHostPath()
                .withPath(dir.toString())
                .withType("Directory")
                .endHostPath()
                .withNewClaimRef()
                .withNamespace(namespace.name())
                .withName(name)
                .endClaimRef()
                .endSpec()
                .build())
        .create();
    client
        .persistentVolumeClaims()
        .inNamespace(namespace.name())
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName("")
                .withVolumeName(volume)
                .withNewResources()
                .withRequests(Map.of("storage", new Quantity("1Gi")))
                .endResources()
                .endSpec()
                .build())
        .create();
    return dir;
  }

  /** Copies a directory tree into a volume's directory. */
  static void copy(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Gives a directory to the runner's UID, as a cluster admin does for a hostPath or local volume
   * (fsGroup changes ownership only for volume types that support it).
   */
  static void ownByRunner(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.toList()) {
        Files.setAttribute(file, "unix:uid", RUNNER_UID);
        Files.setAttribute(file, "unix:gid", RUNNER_UID);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
