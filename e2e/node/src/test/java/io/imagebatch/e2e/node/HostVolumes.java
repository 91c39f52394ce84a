package io.imagebatch.e2e.node;

import io.fabric8.kubernetes.api.model.HostPathVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.LocalVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeNodeAffinityBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.TestNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * PersistentVolumeClaims bound to directories on the node: real volumes the kubelet mounts into
 * pods, whose files the test reads directly. The restricted profile forbids hostPath in pods, not a
 * claim bound to such a volume.
 */
final class HostVolumes {
  static final int RUNNER_UID = 65532;

  /** PersistentVolumes are cluster-wide: the extension deletes a test's by this label. */
  static final String TEST_NAMESPACE_LABEL = "imagebatch.io/test-namespace";

  private HostVolumes() {}

  /** A claim {@code name} bound to a fresh hostPath directory; returns the directory. */
  static Path create(
      KubernetesClient client, RealCluster cluster, TestNamespace namespace, String name) {
    return create(client, cluster, namespace, name, false);
  }

  /**
   * A claim {@code name} bound to a fresh directory, as a {@code local} PersistentVolume (whose
   * ownership the kubelet sets to the pod's fsGroup) or a {@code hostPath} one (left as it is).
   */
  static Path create(
      KubernetesClient client,
      RealCluster cluster,
      TestNamespace namespace,
      String name,
      boolean local) {
    String volumeName = namespace.name() + "-" + name;
    Path dir = Path.of(cluster.env().get("NODE_HOME"), "volumes", volumeName);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PersistentVolume volume =
        new PersistentVolumeBuilder()
            .withNewMetadata()
            .withName(volumeName)
            .withLabels(Map.of(TEST_NAMESPACE_LABEL, namespace.name()))
            .endMetadata()
            .withNewSpec()
            .withCapacity(Map.of("storage", new Quantity("1Gi")))
            .withAccessModes("ReadWriteOnce")
            .withStorageClassName("")
            .withPersistentVolumeReclaimPolicy("Retain")
            .withNewClaimRef()
            .withNamespace(namespace.name())
            .withName(name)
            .endClaimRef()
            .endSpec()
            .build();
    if (local) {
      volume.getSpec().setLocal(new LocalVolumeSourceBuilder().withPath(dir.toString()).build());
      volume
          .getSpec()
          .setNodeAffinity(
              new VolumeNodeAffinityBuilder()
                  .withNewRequired()
                  .addNewNodeSelectorTerm()
                  .addNewMatchExpression()
                  .withKey("kubernetes.io/hostname")
                  .withOperator("In")
                  .withValues("imagebatch-node")
                  .endMatchExpression()
                  .endNodeSelectorTerm()
                  .endRequired()
                  .build());
    } else {
      volume
          .getSpec()
          .setHostPath(
              new HostPathVolumeSourceBuilder()
                  .withPath(dir.toString())
                  .withType("Directory")
                  .build());
    }
    client.persistentVolumes().resource(volume).create();
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
                .withVolumeName(volumeName)
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
   * Gives a directory to the runner's user and group, as a cluster admin must for a hostPath volume
   * (the kubelet applies fsGroup only to volume types that support ownership management).
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
