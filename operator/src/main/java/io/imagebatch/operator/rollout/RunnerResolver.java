package io.imagebatch.operator.rollout;

import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.PinnedRunner;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.imagebatch.api.v1alpha1.ImageRunnerStatus;
import io.imagebatch.api.v1alpha1.RunnerColor;
import io.imagebatch.api.v1alpha1.RunnerDefaults;
import io.imagebatch.operator.config.RunnerSettings;
import io.imagebatch.operator.precondition.Unmet;
import java.util.Optional;

/**
 * Finds the runner image and default resources for a batch: the active image of the ImageRunner
 * {@code spec.runner} in the batch's namespace (as decided in its status), else, for the name
 * "default", the operator's own default image. A batch naming another ImageRunner that does not
 * exist waits (Stalled). A verification batch gets its ImageRunner's candidate image instead.
 */
public final class RunnerResolver {
  public static final String DEFAULT_NAME = "default";

  private final RunnerSettings settings;

  public RunnerResolver(RunnerSettings settings) {
    this.settings = settings;
  }

  /** Either a runner or what is missing. */
  public sealed interface Resolution {}

  /**
   * @param note said in status/events when the operator's default is used
   */
  public record Resolved(PinnedRunner runner, Optional<ResourceRequirements> defaults, String note)
      implements Resolution {}

  public record Missing(Unmet unmet) implements Resolution {}

  /** The ImageRunner a batch names: spec.runner, "default" when absent. */
  public static String runnerName(ImageBatch batch) {
    return batch.getSpec().runner() == null || batch.getSpec().runner().isBlank()
        ? DEFAULT_NAME
        : batch.getSpec().runner();
  }

  /**
   * @param found the ImageRunner {@link #runnerName(ImageBatch)} in the batch's namespace, if any
   */
  public Resolution resolve(ImageBatch batch, Optional<ImageRunner> found) {
    String name = runnerName(batch);
    String namespace = batch.getMetadata().getNamespace();
    if (found.isPresent()) {
      ImageRunner runner = found.get();
      Optional<ResourceRequirements> defaults =
          Optional.ofNullable(runner.getSpec().defaults()).map(RunnerDefaults::resources);
      Optional<String> candidate = VerificationBatches.candidateImage(batch, runner);
      if (candidate.isPresent()) {
        return verification(batch, runner, candidate.get(), defaults);
      }
      return active(runner)
          .<Resolution>map(r -> new Resolved(r, defaults, ""))
          .orElseGet(
              () ->
                  new Missing(
                      new Unmet(
                          "ImageRunnerNotReady",
                          "ImageRunner \"" + name + "\" names no image for its active colour")));
    }
    if (DEFAULT_NAME.equals(name)) {
      return new Resolved(
          new PinnedRunner("", "", settings.image()),
          Optional.empty(),
          "no ImageRunner \"default\" in namespace \""
              + namespace
              + "\": using the operator's default image "
              + settings.image());
    }
    return new Missing(
        new Unmet(
            "ImageRunnerNotFound",
            "ImageRunner \""
                + name
                + "\" (spec.runner) not found in namespace \""
                + namespace
                + "\": create it, or set spec.runner to an existing ImageRunner"));
  }

  /**
   * The image new batches use: what the operator decided (status), or, before its first decision,
   * the colour spec.active names.
   */
  private static Optional<PinnedRunner> active(ImageRunner runner) {
    String name = runner.getMetadata().getName();
    ImageRunnerStatus status = runner.getStatus();
    if (status != null && status.activeImage() != null && status.activeColor() != null) {
      return Optional.of(
          new PinnedRunner(name, status.activeColor().value(), status.activeImage()));
    }
    RunnerColor color = runner.getSpec().activeOrDefault();
    return Optional.ofNullable(runner.getSpec().image(color))
        .map(image -> new PinnedRunner(name, color.value(), image));
  }

  private static Resolution verification(
      ImageBatch batch, ImageRunner runner, String image, Optional<ResourceRequirements> defaults) {
    Optional<RunnerColor> color = VerificationBatches.color(batch);
    if (color.isEmpty() || !image.equals(runner.getSpec().image(color.get()))) {
      return new Missing(
          new Unmet(
              "VerificationSuperseded",
              "ImageRunner \""
                  + runner.getMetadata().getName()
                  + "\" no longer holds "
                  + image
                  + " in that slot: this verification is obsolete"));
    }
    return new Resolved(
        new PinnedRunner(runner.getMetadata().getName(), color.get().value(), image), defaults, "");
  }
}
