package io.imagebatch.operator.workload;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One run of a batch: the generation whose spec it processes, and a hash of that spec without
 * {@code suspend}. Pausing and resuming bump metadata.generation but do not start a new run; any
 * other spec change does.
 *
 * @param generation the generation the run started at; in Job names, labels and the manifest path
 */
public record Run(ImageBatch batch, long generation, String specHash) {

  public String name() {
    return batch.getMetadata().getName();
  }

  public String namespace() {
    return batch.getMetadata().getNamespace();
  }

  /** The hash of {@code spec} with suspend left out. */
  public static String hash(ImageBatchSpec spec, KubernetesSerialization serialization) {
    ImageBatchSpec withoutSuspend =
        new ImageBatchSpec(
            spec.runner(),
            spec.source(),
            spec.variants(),
            spec.encoding(),
            spec.output(),
            spec.processing(),
            spec.limits(),
            spec.execution(),
            null);
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(serialization.asJson(withoutSuspend).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
