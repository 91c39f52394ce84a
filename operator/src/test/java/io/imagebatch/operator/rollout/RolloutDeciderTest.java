package io.imagebatch.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.imagebatch.api.v1alpha1.ImageRunnerStatus;
import io.imagebatch.api.v1alpha1.ImageRunnerStatus.Promotion;
import io.imagebatch.api.v1alpha1.ImageRunnerStatus.VerificationPhase;
import io.imagebatch.api.v1alpha1.RunnerColor;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RolloutDeciderTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final String V14 = "registry.example.com/runner:1.4.0";
  private static final String V15 = "registry.example.com/runner:1.5.0";
  private static final String V16 = "registry.example.com/runner:1.6.0";
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  private final Map<String, BatchState> batches = new HashMap<>();
  private Instant now = T0;

  @Test
  void aNewRunnerActivatesItsActiveSlotAndIsReady() {
    RolloutDecider.Decision d = decide(runner("Auto", "blue", V14, null), null);

    assertThat(d.status().activeColor()).isEqualTo(RunnerColor.BLUE);
    assertThat(d.status().activeImage()).isEqualTo(V14);
    assertThat(d.status().candidate()).isNull();
    assertThat(d.status().history()).extracting(Promotion::reason).containsExactly("Initial");
    assertThat(d.create()).isEmpty();
    assertThat(condition(d, "Ready")).extracting(Condition::getStatus).isEqualTo("True");
    assertThat(condition(d, "Ready").getMessage()).isEqualTo("new batches use blue " + V14);
    assertThat(condition(d, "Progressing").getStatus()).isEqualTo("False");
    assertThat(condition(d, "Degraded").getStatus()).isEqualTo("False");
  }

  @Test
  void autoVerifiesANewIdleImageBeforeAnythingSwitches() {
    ImageRunner runner = runner("Auto", "blue", V14, V15);
    RolloutDecider.Decision d = decide(runner, null);
    String batch = VerificationBatches.name("default", RunnerColor.GREEN, V15);

    assertThat(d.status().activeImage()).isEqualTo(V14);
    assertThat(d.create()).contains(new RolloutDecider.Verify(RunnerColor.GREEN, V15, batch));
    assertThat(d.status().candidate().verification().phase()).isEqualTo(VerificationPhase.Pending);
    assertThat(d.events()).extracting(RolloutDecider.Event::reason).containsExactly("Verifying");
    assertThat(condition(d, "Progressing").getStatus()).isEqualTo("True");
    assertThat(condition(d, "Ready").getReason()).isEqualTo("Verifying");

    batches.put(batch, new BatchState(batch, Phase.Running, "2 of 3 shards done", T0));
    now = T0.plusSeconds(100);
    RolloutDecider.Decision running = decide(runner, d.status());
    assertThat(running.status().candidate().verification().phase())
        .isEqualTo(VerificationPhase.Running);
    assertThat(running.create()).isEmpty();
    assertThat(running.events()).isEmpty();
    assertThat(running.recheck()).isEqualTo(Duration.ofSeconds(501));
    assertThat(running.status().activeImage()).isEqualTo(V14);
  }

  /** Issue 14: the VERIFICATION column said Running while the batch was stalled on a PVC. */
  @Test
  void aStalledVerificationBatchShowsAsStalled() {
    ImageRunner runner = runner("Auto", "blue", V14, V15);
    RolloutDecider.Decision pending = decide(runner, null);
    String batch = pending.create().orElseThrow().batch();
    batches.put(
        batch,
        new BatchState(
            batch,
            Phase.Pending,
            "PersistentVolumeClaim \"samples\" (spec.source.volume.claimName) not found",
            T0,
            "PersistentVolumeClaimNotFound"));

    RolloutDecider.Decision stalled = decide(runner, pending.status());

    assertThat(stalled.status().candidate().verification().phase())
        .isEqualTo(VerificationPhase.Stalled);
    assertThat(stalled.status().candidate().verification().message())
        .isEqualTo(
            "ImageBatch "
                + batch
                + " is stalled (PersistentVolumeClaimNotFound): PersistentVolumeClaim"
                + " \"samples\" (spec.source.volume.claimName) not found");
    assertThat(condition(stalled, "Ready").getReason()).isEqualTo("VerificationStalled");
    assertThat(condition(stalled, "Progressing").getStatus()).isEqualTo("True");
    assertThat(stalled.status().activeImage()).isEqualTo(V14);
  }

  @Test
  void autoPromotesOnPassAndKeepsTheOldImageStandingBy() {
    ImageRunner runner = runner("Auto", "blue", V14, V15);
    RolloutDecider.Decision pending = decide(runner, null);
    String batch = pending.create().orElseThrow().batch();
    batches.put(batch, new BatchState(batch, Phase.Succeeded, "6 images: 6 succeeded", T0));

    RolloutDecider.Decision passed = decide(runner, pending.status());

    assertThat(passed.status().activeColor()).isEqualTo(RunnerColor.GREEN);
    assertThat(passed.status().activeImage()).isEqualTo(V15);
    assertThat(passed.status().candidate()).isNull();
    assertThat(passed.status().history())
        .extracting(Promotion::color, Promotion::image, Promotion::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(RunnerColor.BLUE, V14, "Initial"),
            org.assertj.core.groups.Tuple.tuple(RunnerColor.GREEN, V15, "Verified"));
    assertThat(passed.events())
        .extracting(RolloutDecider.Event::reason)
        .containsExactly("Promoted");
    assertThat(passed.keep()).contains(batch);
    assertThat(condition(passed, "Ready").getStatus()).isEqualTo("True");

    // Blue still holds 1.4.0, the image live before: it stands by, it is not a new candidate.
    RolloutDecider.Decision settled = decide(runner, passed.status());
    assertThat(settled.status()).isEqualTo(passed.status());
    assertThat(settled.create()).isEmpty();
    assertThat(settled.events()).isEmpty();
  }

  @Test
  void autoDoesNotSwitchOnFailureAndSaysWhyOnce() {
    ImageRunner runner = runner("Auto", "blue", V14, V15);
    RolloutDecider.Decision pending = decide(runner, null);
    String batch = pending.create().orElseThrow().batch();
    batches.put(batch, new BatchState(batch, Phase.Failed, "a runner exited with code 3", T0));

    RolloutDecider.Decision failed = decide(runner, pending.status());

    assertThat(failed.status().activeImage()).isEqualTo(V14);
    assertThat(failed.status().candidate().verification().phase())
        .isEqualTo(VerificationPhase.Failed);
    assertThat(condition(failed, "Degraded").getStatus()).isEqualTo("True");
    assertThat(condition(failed, "Degraded").getMessage())
        .isEqualTo(
            "green "
                + V15
                + " failed verification: ImageBatch "
                + batch
                + " failed: a runner exited with code 3");
    assertThat(condition(failed, "Ready").getStatus()).isEqualTo("False");
    assertThat(failed.events())
        .extracting(RolloutDecider.Event::type, RolloutDecider.Event::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Warning", "VerificationFailed"));

    RolloutDecider.Decision again = decide(runner, failed.status());
    assertThat(again.status()).isEqualTo(failed.status());
    assertThat(again.events()).isEmpty();
    assertThat(again.create()).isEmpty();
  }

  @Test
  void aVerificationThatRunsOutOfTimeFailsAndIsStopped() {
    ImageRunner runner = runner("Auto", "blue", V14, V15);
    RolloutDecider.Decision pending = decide(runner, null);
    String batch = pending.create().orElseThrow().batch();
    batches.put(batch, new BatchState(batch, Phase.Pending, "PVC runner-smoke not found", T0));
    now = T0.plusSeconds(600);

    RolloutDecider.Decision timedOut = decide(runner, pending.status());

    assertThat(timedOut.stop()).contains(batch);
    assertThat(timedOut.status().candidate().verification().message())
        .isEqualTo(
            "ImageBatch "
                + batch
                + " did not finish within promotion.verification.timeoutSeconds (600); it was"
                + " Pending: PVC runner-smoke not found");
    assertThat(timedOut.status().activeImage()).isEqualTo(V14);
  }

  @Test
  void aSecondImageBeforeTheFirstFinishesReplacesItsVerification() {
    RolloutDecider.Decision first = decide(runner("Auto", "blue", V14, V15), null);
    String firstBatch = first.create().orElseThrow().batch();
    batches.put(firstBatch, new BatchState(firstBatch, Phase.Running, "", T0));

    RolloutDecider.Decision second = decide(runner("Auto", "blue", V14, V16), first.status());

    assertThat(second.create().orElseThrow().image()).isEqualTo(V16);
    assertThat(second.keep()).doesNotContain(firstBatch);
    assertThat(second.status().candidate().image()).isEqualTo(V16);
  }

  @Test
  void rollingTheLiveSlotBackToAnEarlierImageSwitchesAtOnce() {
    ImageRunner runner = runner("Auto", "blue", V14, V15);
    RolloutDecider.Decision pending = decide(runner, null);
    String batch = pending.create().orElseThrow().batch();
    batches.put(batch, new BatchState(batch, Phase.Succeeded, "", T0));
    RolloutDecider.Decision promoted = decide(runner, pending.status());

    RolloutDecider.Decision rolledBack =
        decide(runner("Auto", "blue", V14, V14), promoted.status());

    assertThat(rolledBack.status().activeColor()).isEqualTo(RunnerColor.GREEN);
    assertThat(rolledBack.status().activeImage()).isEqualTo(V14);
    assertThat(rolledBack.create()).isEmpty();
    assertThat(rolledBack.status().history().getLast().reason()).isEqualTo("Rollback");
    assertThat(rolledBack.events())
        .extracting(RolloutDecider.Event::reason)
        .containsExactly("RolledBack");
  }

  @Test
  void manualSwitchesAtOnceAndWarnsWhenTheSlotIsNotVerified() {
    RolloutDecider.Decision blue = decide(runner("Manual", "blue", V14, V15), null);
    String batch = blue.create().orElseThrow().batch();
    batches.put(batch, new BatchState(batch, Phase.Failed, "decoding failed", T0));
    RolloutDecider.Decision failed = decide(runner("Manual", "blue", V14, V15), blue.status());
    assertThat(failed.status().activeImage()).isEqualTo(V14);

    RolloutDecider.Decision switched = decide(runner("Manual", "green", V14, V15), failed.status());

    assertThat(switched.status().activeColor()).isEqualTo(RunnerColor.GREEN);
    assertThat(switched.status().activeImage()).isEqualTo(V15);
    assertThat(switched.events())
        .extracting(RolloutDecider.Event::type, RolloutDecider.Event::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Warning", "UnverifiedRunner"));
    assertThat(switched.status().history().getLast())
        .extracting(Promotion::reason, Promotion::verification)
        .containsExactly("Manual", VerificationPhase.Failed);
  }

  @Test
  void manualVerifiesTheIdleSlotButNeverPromotesIt() {
    ImageRunner runner = runner("Manual", "blue", V14, V15);
    RolloutDecider.Decision pending = decide(runner, null);
    String batch = pending.create().orElseThrow().batch();
    batches.put(batch, new BatchState(batch, Phase.Succeeded, "", T0));

    RolloutDecider.Decision passed = decide(runner, pending.status());

    assertThat(passed.status().activeImage()).isEqualTo(V14);
    assertThat(passed.status().candidate().verification().phase())
        .isEqualTo(VerificationPhase.Passed);
    assertThat(passed.events())
        .extracting(RolloutDecider.Event::reason)
        .containsExactly("VerificationPassed");
    RolloutDecider.Decision switched = decide(runner("Manual", "green", V14, V15), passed.status());
    assertThat(switched.events())
        .extracting(RolloutDecider.Event::type, RolloutDecider.Event::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Normal", "Switched"));
  }

  @Test
  void historyKeepsTheLastTen() {
    ImageRunnerStatus status = null;
    for (int i = 0; i < 14; i++) {
      status = decide(runner("Manual", i % 2 == 0 ? "blue" : "green", V14, V15), status).status();
    }
    assertThat(status.history()).hasSize(ImageRunnerStatus.HISTORY_LIMIT);
  }

  @Test
  void verificationBatchNamesHoldTheColourAndAnImageHashAndStayShort() {
    String name = VerificationBatches.name("default", RunnerColor.GREEN, V15);
    assertThat(name).matches("default-verify-green-[0-9a-f]{8}");
    assertThat(VerificationBatches.name("default", RunnerColor.GREEN, V16)).isNotEqualTo(name);
    assertThat(VerificationBatches.name("r".repeat(200), RunnerColor.BLUE, V15)).hasSize(51);
  }

  private RolloutDecider.Decision decide(ImageRunner runner, ImageRunnerStatus status) {
    runner.setStatus(status);
    return RolloutDecider.decide(runner, name -> Optional.ofNullable(batches.get(name)), now);
  }

  private static Condition condition(RolloutDecider.Decision d, String type) {
    return d.status().conditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  private static ImageRunner runner(String strategy, String active, String blue, String green) {
    String yaml =
        """
        apiVersion: imagebatch.io/v1alpha1
        kind: ImageRunner
        metadata: { name: default, namespace: shop, generation: 1, uid: u-1 }
        spec:
          blue: { image: %s }
          green: { image: %s }
          active: %s
          promotion:
            strategy: %s
            verification:
              source: { volume: { claimName: smoke, path: samples/ } }
              variants: [ { name: v, width: 256, formats: [webp] } ]
              output: { volume: { claimName: smoke, path: out/ } }
        """
            .formatted(blue, green, active, strategy);
    return JSON.unmarshal(yaml, ImageRunner.class);
  }
}
