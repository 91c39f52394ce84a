package io.imagebatch.operator.precondition;

import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.VolumeLocation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The source and output PersistentVolumeClaims the batch names exist in its namespace. */
public final class PersistentVolumeClaimsExist {
  public static final String REASON = "PersistentVolumeClaimNotFound";

  private PersistentVolumeClaimsExist() {}

  /** The claims the batch names, by claim name, each with the fields that name it. */
  public static Map<String, List<String>> claims(ImageBatch batch) {
    Map<String, List<String>> claims = new LinkedHashMap<>();
    add(
        claims,
        "spec.source.volume.claimName",
        batch.getSpec().source() == null ? null : batch.getSpec().source().volume());
    add(
        claims,
        "spec.output.volume.claimName",
        batch.getSpec().output() == null ? null : batch.getSpec().output().volume());
    return claims;
  }

  /** Every claim the batch names that is not in {@code present}, named at once. */
  public static Optional<Unmet> check(ImageBatch batch, Set<String> present) {
    String namespace = batch.getMetadata().getNamespace();
    List<String> missing = new ArrayList<>();
    claims(batch)
        .forEach(
            (claim, fields) -> {
              if (!present.contains(claim)) {
                missing.add("\"" + claim + "\" (" + String.join(", ", fields) + ")");
              }
            });
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    String fields =
        String.join(
            " or ",
            claims(batch).entrySet().stream()
                .filter(e -> !present.contains(e.getKey()))
                .flatMap(e -> e.getValue().stream())
                .toList());
    return Optional.of(
        new Unmet(
            REASON,
            (missing.size() == 1 ? "PersistentVolumeClaim " : "PersistentVolumeClaims ")
                + String.join(" and ", missing)
                + " not found in namespace \""
                + namespace
                + "\": create "
                + (missing.size() == 1 ? "it" : "them")
                + ", or change "
                + fields));
  }

  private static void add(Map<String, List<String>> claims, String field, VolumeLocation volume) {
    if (volume != null && volume.claimName() != null && !volume.claimName().isBlank()) {
      claims.computeIfAbsent(volume.claimName(), c -> new ArrayList<>()).add(field);
    }
  }
}
