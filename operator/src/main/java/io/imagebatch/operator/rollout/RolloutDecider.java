package io.imagebatch.operator.rollout;

import io.fabric8.kubernetes.api.model.Condition;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.imagebatch.api.v1alpha1.ImageRunnerSpec;
import io.imagebatch.api.v1alpha1.ImageRunnerStatus;
import io.imagebatch.api.v1alpha1.ImageRunnerStatus.Candidate;
import io.imagebatch.api.v1alpha1.ImageRunnerStatus.Promotion;
import io.imagebatch.api.v1alpha1.ImageRunnerStatus.Verification;
import io.imagebatch.api.v1alpha1.ImageRunnerStatus.VerificationPhase;
import io.imagebatch.api.v1alpha1.PromotionSpec.Strategy;
import io.imagebatch.api.v1alpha1.RunnerColor;
import io.imagebatch.operator.status.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides an ImageRunner's next status from its spec (what Git says), its last status (what was
 * decided before) and its verification batch. Pure: no client, so every rule is unit-tested; the
 * reconciler carries out the decision.
 *
 * <p>Rules. The active image lives in status and changes only by a decision. Auto: a slot whose
 * image differs from what it last held is a candidate; an image that was active before comes back
 * at once (rollback), any other is verified first and promoted when its batch succeeds. Manual:
 * spec.active decides at once; the idle slot is still verified so its result is visible.
 */
public final class RolloutDecider {
  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";

  /** A verification batch to create. */
  public record Verify(RunnerColor color, String image, String batch) {}

  public record Event(String type, String reason, String message) {}

  /**
   * @param keep the verification batches still needed; every other one of this runner is deleted
   * @param stop a verification batch that timed out, to suspend
   * @param recheck when to look again without an event (the timeout), or null
   */
  public record Decision(
      ImageRunnerStatus status,
      Optional<Verify> create,
      Optional<String> stop,
      Set<String> keep,
      List<Event> events,
      Duration recheck) {}

  private final ImageRunner runner;
  private final ImageRunnerSpec spec;
  private final Optional<ImageRunnerStatus> previous;
  private final Function<String, Optional<BatchState>> batches;
  private final Instant now;
  private final String nowText;
  private final List<Promotion> history;
  private final List<Event> events = new ArrayList<>();
  private Optional<Verify> create = Optional.empty();
  private Optional<String> stop = Optional.empty();
  private Duration recheck;
  private RunnerColor activeColor;
  private String activeImage;

  private RolloutDecider(
      ImageRunner runner, Function<String, Optional<BatchState>> batches, Instant now) {
    this.runner = runner;
    this.spec = runner.getSpec();
    this.previous = Optional.ofNullable(runner.getStatus());
    this.batches = batches;
    this.now = now;
    this.nowText = now.truncatedTo(ChronoUnit.SECONDS).toString();
    this.history = new ArrayList<>(previous.map(ImageRunnerStatus::history).orElse(List.of()));
  }

  public static Decision decide(
      ImageRunner runner, Function<String, Optional<BatchState>> batches, Instant now) {
    return new RolloutDecider(runner, batches, now).decide();
  }

  private Decision decide() {
    Candidate candidate =
        spec.promotionOrDefault().strategyOrDefault() == Strategy.Manual ? manual() : auto();
    Set<String> keep = new java.util.HashSet<>();
    if (candidate != null) {
      keep.add(candidate.verification().batch());
    }
    if (activeImage != null) {
      keep.add(name(activeColor, activeImage)); // the run that verified what is live
    }
    while (history.size() > ImageRunnerStatus.HISTORY_LIMIT) {
      history.removeFirst();
    }
    ImageRunnerStatus status =
        new ImageRunnerStatus(
            generation(),
            activeColor,
            activeImage,
            candidate,
            history.isEmpty() ? null : List.copyOf(history),
            conditions(candidate));
    return new Decision(status, create, stop, Set.copyOf(keep), List.copyOf(events), recheck);
  }

  private Candidate manual() {
    activeColor = spec.activeOrDefault();
    activeImage = spec.image(activeColor);
    String before = previous.map(ImageRunnerStatus::activeImage).orElse(null);
    RunnerColor beforeColor = previous.map(ImageRunnerStatus::activeColor).orElse(null);
    if (activeImage == null) {
      return null; // the CRD's rules forbid this; nothing to decide
    }
    if (before == null) {
      promote("Initial", known(activeColor, activeImage));
    } else if (activeColor != beforeColor || !activeImage.equals(before)) {
      VerificationPhase known = known(activeColor, activeImage);
      promote("Manual", known);
      if (known != VerificationPhase.Passed) {
        events.add(
            new Event(
                "Warning",
                "UnverifiedRunner",
                "spec.active switched new batches to %s %s, which %s"
                    .formatted(
                        activeColor.value(),
                        activeImage,
                        known == VerificationPhase.Failed
                            ? "failed verification"
                            : "has not passed verification")));
      } else {
        events.add(
            new Event(
                "Normal",
                "Switched",
                "spec.active switched new batches to %s %s (verified)"
                    .formatted(activeColor.value(), activeImage)));
      }
    }
    RunnerColor idle = activeColor.other();
    String idleImage = spec.image(idle);
    if (idleImage == null
        || idleImage.equals(activeImage)
        || standingBy(idle, idleImage)
        || spec.promotionOrDefault().verification() == null) {
      return null;
    }
    return verify(idle, idleImage, false);
  }

  private Candidate auto() {
    String before = previous.map(ImageRunnerStatus::activeImage).orElse(null);
    if (before == null) {
      activeColor = spec.activeOrDefault();
      if (spec.image(activeColor) == null) {
        activeColor = activeColor.other();
      }
      activeImage = spec.image(activeColor);
      if (activeImage == null) {
        return null; // the CRD's rules forbid this; nothing to decide
      }
      promote("Initial", null);
    } else {
      activeColor = previous.get().activeColor();
      activeImage = before;
    }
    Optional<Target> changed = changedSlot();
    if (changed.isEmpty()) {
      return null;
    }
    Target target = changed.get();
    Optional<Promotion> earlier =
        history.reversed().stream().filter(p -> target.image().equals(p.image())).findFirst();
    if (earlier.isPresent()) {
      // An image that was live before is known: going back to it is a rollback, not a rollout.
      activeColor = target.color();
      activeImage = target.image();
      promote("Rollback", earlier.get().verification());
      events.add(
          new Event(
              "Normal",
              "RolledBack",
              "%s %s was active before (%s): new batches use it again"
                  .formatted(target.color().value(), target.image(), earlier.get().promotedAt())));
      return null;
    }
    Candidate candidate = verify(target.color(), target.image(), true);
    if (candidate.verification().phase() == VerificationPhase.Passed) {
      activeColor = target.color();
      activeImage = target.image();
      promote("Verified", VerificationPhase.Passed);
      events.add(
          new Event(
              "Normal",
              "Promoted",
              "%s %s passed verification (ImageBatch %s): new batches use it; running batches"
                      .formatted(
                          target.color().value(), target.image(), candidate.verification().batch())
                  + " keep the image they started with"));
      return null;
    }
    return candidate;
  }

  private record Target(RunnerColor color, String image) {}

  /**
   * What Git changed: the live slot's image (verified before it goes live), else the idle slot's
   * image when it differs from what that slot last held while live.
   */
  private Optional<Target> changedSlot() {
    String live = spec.image(activeColor);
    if (live != null && !live.equals(activeImage)) {
      return Optional.of(new Target(activeColor, live));
    }
    RunnerColor idle = activeColor.other();
    String idleImage = spec.image(idle);
    if (idleImage == null || idleImage.equals(activeImage)) {
      return Optional.empty();
    }
    if (standingBy(idle, idleImage)) {
      return Optional.empty();
    }
    return Optional.of(new Target(idle, idleImage));
  }

  /** Whether a slot still holds the image it had when it was last live: a rollback target. */
  private boolean standingBy(RunnerColor color, String image) {
    return history.reversed().stream()
        .filter(p -> p.color() == color)
        .map(Promotion::image)
        .findFirst()
        .map(image::equals)
        .orElse(false);
  }

  /** The candidate's verification: created, running, passed, failed or timed out. */
  private Candidate verify(RunnerColor color, String image, boolean promotes) {
    String batch = name(color, image);
    Optional<Verification> before =
        previous
            .map(ImageRunnerStatus::candidate)
            .filter(c -> c.color() == color && image.equals(c.image()))
            .map(Candidate::verification);
    VerificationPhase beforePhase = before.map(Verification::phase).orElse(null);
    if (beforePhase == VerificationPhase.Failed
        || (beforePhase == VerificationPhase.Passed && !promotes)) {
      return new Candidate(color, image, before.get()); // decided; a new image starts a new run
    }
    Optional<BatchState> state = batches.apply(batch);
    String started = before.map(Verification::startTime).orElse(nowText);
    if (state.isEmpty()) {
      create = Optional.of(new Verify(color, image, batch));
      if (before.isEmpty()) {
        events.add(
            new Event(
                "Normal",
                "Verifying",
                "verifying %s %s with ImageBatch %s".formatted(color.value(), image, batch)));
      }
      return candidate(
          color, image, VerificationPhase.Pending, batch, "creating ImageBatch " + batch, started);
    }
    BatchState run = state.get();
    Duration timeout =
        Duration.ofSeconds(spec.promotionOrDefault().verification().timeoutOrDefault());
    VerificationPhase phase;
    String message;
    if (run.phase() == Phase.Succeeded) {
      phase = VerificationPhase.Passed;
      message = "ImageBatch " + batch + " succeeded: " + run.message();
    } else if (run.phase() == Phase.Failed) {
      phase = VerificationPhase.Failed;
      message = "ImageBatch " + batch + " failed: " + run.message();
    } else if (!now.isBefore(run.created().plus(timeout))) {
      phase = VerificationPhase.Failed;
      message =
          "ImageBatch %s did not finish within promotion.verification.timeoutSeconds (%d); it was %s: %s"
              .formatted(batch, timeout.toSeconds(), run.phase(), run.message());
      stop = Optional.of(batch);
    } else if (run.stalledReason() != null) {
      // It may still pass once a user fixes what it waits for, until the timeout.
      phase = VerificationPhase.Stalled;
      message =
          "ImageBatch " + batch + " is stalled (" + run.stalledReason() + "): " + run.message();
      recheck = Duration.between(now, run.created().plus(timeout)).plusSeconds(1);
    } else {
      phase = VerificationPhase.Running;
      message = "ImageBatch " + batch + " is " + run.phase() + ": " + run.message();
      recheck = Duration.between(now, run.created().plus(timeout)).plusSeconds(1);
    }
    if (phase == VerificationPhase.Failed && beforePhase != VerificationPhase.Failed) {
      events.add(
          new Event(
              "Warning",
              "VerificationFailed",
              "%s %s failed verification, nothing switched: %s"
                  .formatted(color.value(), image, message)));
    }
    if (phase == VerificationPhase.Passed && !promotes && beforePhase != VerificationPhase.Passed) {
      events.add(
          new Event(
              "Normal",
              "VerificationPassed",
              "%s %s passed verification; set spec.active: %s to use it"
                  .formatted(color.value(), image, color.value())));
    }
    return candidate(color, image, phase, batch, message, started);
  }

  private static Candidate candidate(
      RunnerColor color,
      String image,
      VerificationPhase phase,
      String batch,
      String message,
      String started) {
    return new Candidate(color, image, new Verification(phase, batch, shorten(message), started));
  }

  /** What is known of an image: passed or failed as the candidate, or from its past promotions. */
  private VerificationPhase known(RunnerColor color, String image) {
    Optional<VerificationPhase> asCandidate =
        previous
            .map(ImageRunnerStatus::candidate)
            .filter(c -> c.color() == color && image.equals(c.image()))
            .map(c -> c.verification().phase());
    if (asCandidate.isPresent()) {
      return asCandidate.get();
    }
    return history.reversed().stream()
        .filter(p -> image.equals(p.image()) && p.verification() != null)
        .map(Promotion::verification)
        .findFirst()
        .orElse(null);
  }

  private void promote(String reason, VerificationPhase verification) {
    history.add(new Promotion(activeColor, activeImage, nowText, reason, verification));
  }

  private List<Condition> conditions(Candidate candidate) {
    VerificationPhase phase = candidate == null ? null : candidate.verification().phase();
    boolean stalled = phase == VerificationPhase.Stalled;
    boolean progressing =
        phase == VerificationPhase.Pending || phase == VerificationPhase.Running || stalled;
    boolean degraded = phase == VerificationPhase.Failed;
    String live =
        activeImage == null
            ? "no slot names an image"
            : "new batches use %s %s".formatted(activeColor.value(), activeImage);
    Conditions conditions =
        new Conditions(
            previous.map(ImageRunnerStatus::conditions).orElse(null), generation(), nowText);
    String verifying =
        progressing
            ? "verifying %s %s: %s"
                .formatted(
                    candidate.color().value(),
                    candidate.image(),
                    candidate.verification().message())
            : "no verification running";
    String failed =
        degraded
            ? "%s %s failed verification: %s"
                .formatted(
                    candidate.color().value(),
                    candidate.image(),
                    candidate.verification().message())
            : "";
    String readyReason =
        activeImage == null
            ? "NoImage"
            : stalled
                ? "VerificationStalled"
                : progressing ? "Verifying" : degraded ? "VerificationFailed" : "Active";
    String readyMessage =
        progressing ? live + "; " + verifying : degraded ? live + "; " + failed : live;
    return List.of(
        conditions.of(
            READY, activeImage != null && !progressing && !degraded, readyReason, readyMessage),
        conditions.of(PROGRESSING, progressing, progressing ? "Verifying" : "Settled", verifying),
        conditions.of(DEGRADED, degraded, degraded ? "VerificationFailed" : "AsExpected", failed));
  }

  private String name(RunnerColor color, String image) {
    return VerificationBatches.name(runner.getMetadata().getName(), color, image);
  }

  private long generation() {
    Long generation = runner.getMetadata().getGeneration();
    return generation == null ? 1 : generation;
  }

  private static String shorten(String text) {
    String flat = Objects.requireNonNullElse(text, "").strip().replaceAll("\\s+", " ");
    return flat.length() <= 400 ? flat : flat.substring(0, 397) + "...";
  }
}
