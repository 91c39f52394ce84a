package io.imagebatch.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ImageCounts;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ImageFailure;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.PinnedRunner;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ShardCounts;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.VariantCounts;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a batch's status from what one reconciliation observed: the phase with its reason and
 * message, the counts, and the five conditions derived from them. Every condition carries the
 * observed generation; a condition's lastTransitionTime changes only when its status does, so a
 * steady batch produces an identical status (and the reconciler writes nothing).
 */
public final class ImageBatchStatusAggregator {
  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
  public static final String COMPLETE = "Complete";
  public static final String FAILED = "Failed";

  private final Optional<ImageBatchStatus> previous;
  private final long generation;
  private final String now;
  private Phase phase = Phase.Pending;
  private String reason = "Pending";
  private String message = "";
  private boolean stalled;
  private boolean waiting;
  private PinnedRunner runner;
  private ImageCounts images;
  private ShardCounts shards;
  private VariantCounts variants;
  private List<ImageFailure> failures;
  private String manifest;
  private String startTime;
  private String completionTime;

  /**
   * @param previous the status as last written (for lastTransitionTime)
   * @param now the time to stamp on conditions that change, RFC 3339
   */
  public ImageBatchStatusAggregator(ImageBatchStatus previous, long generation, String now) {
    this.previous = Optional.ofNullable(previous);
    this.generation = generation;
    this.now = now;
  }

  /**
   * An aggregator that keeps what {@code previous} says (phase, runner, counts, manifest, times),
   * for a reconciliation that could not observe anything new (an API failure).
   */
  public static ImageBatchStatusAggregator keeping(
      ImageBatchStatus previous, long generation, String now) {
    ImageBatchStatusAggregator status = new ImageBatchStatusAggregator(previous, generation, now);
    if (previous == null) {
      return status;
    }
    if (previous.phase() != null) {
      status.phase = previous.phase();
    }
    status.runner = previous.runner();
    status.images = previous.images();
    status.shards = previous.shards();
    status.variants = previous.variants();
    status.failures = previous.failures();
    status.manifest = previous.manifest();
    status.startTime = previous.startTime();
    status.completionTime = previous.completionTime();
    return status;
  }

  /** The phase, with the reason and message shown on the conditions. */
  public ImageBatchStatusAggregator phase(Phase phase, String reason, String message) {
    this.phase = phase;
    this.reason = reason;
    this.message = message == null ? "" : message;
    this.stalled = phase == Phase.Failed;
    this.waiting = false;
    return this;
  }

  /** Waiting for something the user must create (a PersistentVolumeClaim, an ImageRunner). */
  public ImageBatchStatusAggregator stalled(String reason, String message) {
    phase(Phase.Pending, reason, message);
    this.stalled = true;
    return this;
  }

  /**
   * The run has started but cannot progress until the user acts (its pods wait for a missing
   * Secret): the phase stays, Stalled is True with this reason and message, Reconciling is False.
   */
  public ImageBatchStatusAggregator blocked(String reason, String message) {
    this.reason = reason;
    this.message = message == null ? "" : message;
    this.stalled = true;
    this.waiting = false;
    return this;
  }

  /**
   * The run waits for something that can clear by itself (capacity, an admission, the API server):
   * the phase stays, Reconciling is True with this reason and message, Stalled is False.
   */
  public ImageBatchStatusAggregator waiting(String reason, String message) {
    this.reason = reason;
    this.message = message == null ? "" : message;
    this.stalled = false;
    this.waiting = true;
    return this;
  }

  public ImageBatchStatusAggregator runner(PinnedRunner runner) {
    this.runner = runner;
    return this;
  }

  public ImageBatchStatusAggregator counts(
      ImageCounts images, ShardCounts shards, VariantCounts variants, List<ImageFailure> failures) {
    this.images = images;
    this.shards = shards;
    this.variants = variants;
    this.failures = failures == null || failures.isEmpty() ? null : List.copyOf(failures);
    return this;
  }

  public ImageBatchStatusAggregator manifest(String manifest) {
    this.manifest = manifest;
    return this;
  }

  public ImageBatchStatusAggregator times(String startTime, String completionTime) {
    this.startTime = startTime;
    this.completionTime = completionTime;
    return this;
  }

  public Phase currentPhase() {
    return phase;
  }

  public ImageBatchStatus build() {
    boolean succeeded = phase == Phase.Succeeded;
    boolean failed = phase == Phase.Failed;
    boolean inProgress =
        !stalled
            && (waiting
                ? !succeeded && !failed
                : phase == Phase.Planning || phase == Phase.Running);
    List<Condition> conditions = new ArrayList<>();
    conditions.add(condition(READY, succeeded, succeeded ? "Succeeded" : reason));
    conditions.add(condition(RECONCILING, inProgress, reason));
    conditions.add(condition(STALLED, stalled, stalled ? reason : "Progressing"));
    conditions.add(condition(COMPLETE, succeeded, succeeded ? "Succeeded" : reason));
    conditions.add(condition(FAILED, failed, reason));
    return new ImageBatchStatus(
        generation,
        phase,
        runner,
        images,
        shards,
        variants,
        failures,
        manifest,
        startTime,
        completionTime,
        conditions,
        progress(images));
  }

  private Condition condition(String type, boolean status, String conditionReason) {
    return new Conditions(previous.map(ImageBatchStatus::conditions).orElse(null), generation, now)
        .of(type, status, conditionReason, message);
  }

  static String progress(ImageCounts images) {
    if (images == null || images.total() == null) {
      return null;
    }
    long done = value(images.succeeded()) + value(images.failed()) + value(images.skipped());
    return done + "/" + images.total();
  }

  private static long value(Long v) {
    return v == null ? 0 : v;
  }
}
