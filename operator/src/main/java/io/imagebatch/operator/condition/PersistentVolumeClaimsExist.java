package io.imagebatch.operator.condition;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.VolumeLocation;
import java.util.Optional;
import java.util.stream.Stream;

/** The source and output PersistentVolumeClaims the batch names exist in its namespace. */
public final class PersistentVolumeClaimsExist implements Precondition {

  @Override
  public Optional<Unmet> check(ImageBatch batch, KubernetesClient client) {
    String namespace = batch.getMetadata().getNamespace();
    Stream<String[]> claims =
        Stream.of(
            claim(
                "spec.source.volume.claimName",
                batch.getSpec().source() == null ? null : batch.getSpec().source().volume()),
            claim(
                "spec.output.volume.claimName",
                batch.getSpec().output() == null ? null : batch.getSpec().output().volume()));
    return claims
        .filter(c -> c != null)
        .filter(
            c ->
                client.persistentVolumeClaims().inNamespace(namespace).withName(c[1]).get() == null)
        .findFirst()
        .map(
            c ->
                new Unmet(
                    "PersistentVolumeClaimNotFound",
                    "PersistentVolumeClaim \""
                        + c[1]
                        + "\" ("
                        + c[0]
                        + ") not found in namespace \""
                        + namespace
                        + "\": create it, or change "
                        + c[0]));
  }

  private static String[] claim(String field, VolumeLocation volume) {
    return volume == null || volume.claimName() == null || volume.claimName().isBlank()
        ? null
        : new String[] {field, volume.claimName()};
  }
}
