package io.imagebatch.operator.rollout;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.imagebatch.api.v1alpha1.RunnerColor;
import io.imagebatch.operator.workload.Labels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The verification ImageBatch of a candidate image: owned by its ImageRunner, labelled as a
 * verification, named after the colour and a hash of the image so each image gets its own run.
 */
public final class VerificationBatches {
  /** Label: the ImageRunner a verification batch belongs to. */
  public static final String VERIFICATION_OF = "imagebatch.io/verification-of";

  /** Annotation: the candidate image a verification batch runs. */
  public static final String IMAGE = "imagebatch.io/runner-image";

  public static final String COMPONENT = "verification";

  /** Keeps the batch name, and the Job names derived from it, well within 63 characters. */
  private static final int MAX_RUNNER_PART = 30;

  private VerificationBatches() {}

  public static String name(String runner, RunnerColor color, String image) {
    String prefix = runner.length() <= MAX_RUNNER_PART ? runner : runner.substring(0, 30);
    prefix = prefix.replaceAll("[-.]+$", "");
    return prefix + "-verify-" + color.value() + "-" + hash(image);
  }

  public static ImageBatch desired(ImageRunner runner, RunnerColor color, String image) {
    String runnerName = runner.getMetadata().getName();
    ImageBatch batch = new ImageBatch();
    batch.setMetadata(
        new ObjectMetaBuilder()
            .withName(name(runnerName, color, image))
            .withNamespace(runner.getMetadata().getNamespace())
            .withLabels(
                Map.of(
                    Labels.MANAGED_BY,
                    Labels.OPERATOR,
                    Labels.COMPONENT,
                    COMPONENT,
                    VERIFICATION_OF,
                    runnerName,
                    Labels.RUNNER_COLOR,
                    color.value()))
            .withAnnotations(Map.of(IMAGE, image))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(runner.getApiVersion())
                    .withKind(runner.getKind())
                    .withName(runnerName)
                    .withUid(runner.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .build());
    batch.setSpec(runner.getSpec().promotionOrDefault().verification().toBatchSpec(runnerName));
    return batch;
  }

  /**
   * The candidate image a batch verifies, when it is a verification batch controlled by {@code
   * runner}; empty for every other batch, so no batch can pick an image by labelling itself.
   */
  public static Optional<String> candidateImage(HasMetadata batch, ImageRunner runner) {
    boolean labelled =
        Labels.label(batch, VERIFICATION_OF)
            .map(runner.getMetadata().getName()::equals)
            .orElse(false);
    boolean controlled =
        batch.getMetadata().getOwnerReferences() != null
            && batch.getMetadata().getOwnerReferences().stream()
                .anyMatch(
                    o ->
                        Boolean.TRUE.equals(o.getController())
                            && "ImageRunner".equals(o.getKind())
                            && runner.getMetadata().getUid().equals(o.getUid()));
    Map<String, String> annotations = batch.getMetadata().getAnnotations();
    if (!labelled || !controlled || annotations == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(annotations.get(IMAGE));
  }

  /** The colour a verification batch's image came from. */
  public static Optional<RunnerColor> color(HasMetadata batch) {
    return Labels.label(batch, Labels.RUNNER_COLOR)
        .map(c -> RunnerColor.valueOf(c.toUpperCase(Locale.ROOT)));
  }

  static String hash(String image) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(image.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
