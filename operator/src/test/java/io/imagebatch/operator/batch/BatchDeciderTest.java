package io.imagebatch.operator.batch;

import static io.imagebatch.operator.batch.BatchFixtures.NOW;
import static io.imagebatch.operator.batch.BatchFixtures.S3;
import static io.imagebatch.operator.batch.BatchFixtures.batch;
import static io.imagebatch.operator.batch.BatchFixtures.shard;
import static io.imagebatch.operator.batch.BatchFixtures.world;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.imagebatch.api.contract.PlanSummary;
import io.imagebatch.api.contract.TerminationMessage;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ImageCounts;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.PinnedRunner;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ShardCounts;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.imagebatch.operator.batch.BatchFixtures.World;
import io.imagebatch.operator.precondition.PodsCannotRun;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every rule of a batch's lifecycle, decided from what a reconciliation observes: no cluster. */
class BatchDeciderTest {
  private static final String PLAN = "b-plan-g1";
  private static final String PROCESS = "b-g1";

  @Test
  void aNewBatchGetsItsSpecConfigMapAndPlanningJob() {
    World world = world(batch(S3, 1));

    Decision decision = world.step();

    assertThat(decision.actions())
        .extracting(a -> a.getClass().getSimpleName())
        .containsExactly("ApplySpecConfigMap", "CreateJob");
    Job plan = ((Action.CreateJob) decision.actions().get(1)).job();
    assertThat(plan.getMetadata().getName()).isEqualTo(PLAN);
    ImageBatchStatus status = decision.status();
    assertThat(status.phase()).isEqualTo(Phase.Planning);
    assertThat(status.startTime()).isEqualTo(NOW.toString());
    assertThat(status.runner())
        .isEqualTo(new PinnedRunner("", "", "registry.example.com/runner:default"));
    assertThat(reason(status, "Reconciling")).isEqualTo("Planning");
    assertThat(condition(status, "Ready").getMessage())
        .isEqualTo(
            "planning Job b-plan-g1 created; no ImageRunner \"default\" in namespace \"shop\":"
                + " using the operator's default image registry.example.com/runner:default");
    assertThat(decision.recheck()).isNull();
  }

  @Test
  void aSteadyPlanningBatchWritesNothing() {
    World world = world(batch(S3, 1));
    world.step();

    Decision again = world.decide();

    assertThat(again.actions()).isEmpty();
    assertThat(again.status().phase()).isEqualTo(Phase.Planning);
    assertThat(condition(again.status(), "Ready").getMessage())
        .startsWith("planning Job b-plan-g1 is running");
  }

  @Test
  void missingClaimsStallTheBatchAndAreNamedAtOnce() {
    World world =
        world(
            batch(
                """
                source: { volume: { claimName: photos, path: in/ } }
                variants: [ { name: thumb, width: 400, formats: [webp] } ]
                output: { volume: { claimName: derived, path: out/ } }
                """,
                1));

    Decision decision = world.decide();

    assertThat(decision.actions()).isEmpty();
    assertThat(decision.status().phase()).isEqualTo(Phase.Pending);
    assertThat(reason(decision.status(), "Stalled")).isEqualTo("PersistentVolumeClaimNotFound");
    assertThat(condition(decision.status(), "Stalled").getMessage())
        .isEqualTo(
            "PersistentVolumeClaims \"photos\" (spec.source.volume.claimName) and \"derived\""
                + " (spec.output.volume.claimName) not found in namespace \"shop\": create them,"
                + " or change spec.source.volume.claimName or spec.output.volume.claimName");
    assertThat(decision.recheck()).as("the claims' informer brings the next event").isNull();

    world.claims = Set.of("photos");
    assertThat(condition(world.decide().status(), "Stalled").getMessage())
        .isEqualTo(
            "PersistentVolumeClaim \"derived\" (spec.output.volume.claimName) not found in"
                + " namespace \"shop\": create it, or change spec.output.volume.claimName");

    world.claims = Set.of("photos", "derived");
    assertThat(world.decide().status().phase()).isEqualTo(Phase.Planning);
  }

  @Test
  void aMissingUrlsConfigMapStallsAndIsLookedAtAgain() {
    World world =
        world(
            batch(
                S3.replace(
                    "s3: { bucket: raw, credentialsSecret: s3-credentials }",
                    "http: { urlsFrom: { configMapKeyRef: { name: urls, key: list } } }"),
                1));

    Decision decision = world.decide();

    assertThat(reason(decision.status(), "Stalled")).isEqualTo("ConfigMapNotFound");
    assertThat(decision.recheck()).isEqualTo(BatchFixtures.SETTINGS.stalledRecheck());

    world.urls =
        Optional.of(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("urls")
                .endMetadata()
                .addToData("list", "https://a/b.jpg")
                .build());
    assertThat(world.decide().status().phase()).isEqualTo(Phase.Planning);
  }

  @Test
  void aNamedImageRunnerThatIsMissingStalls() {
    World world = world(batch("runner: blue-green\n" + S3, 1));

    Decision decision = world.decide();

    assertThat(decision.status().phase()).isEqualTo(Phase.Pending);
    assertThat(reason(decision.status(), "Stalled")).isEqualTo("ImageRunnerNotFound");
    assertThat(condition(decision.status(), "Stalled").getMessage())
        .isEqualTo(
            "ImageRunner \"blue-green\" (spec.runner) not found in namespace \"shop\": create it,"
                + " or set spec.runner to an existing ImageRunner");
  }

  @Test
  void anExistingImageRunnersActiveImageIsPinned() {
    World world = world(batch("runner: blue-green\n" + S3, 1));
    world.runner =
        Optional.of(
            BatchFixtures.SERIALIZATION.unmarshal(
                """
                apiVersion: imagebatch.io/v1alpha1
                kind: ImageRunner
                metadata: { name: blue-green, namespace: shop, uid: r-1 }
                spec:
                  blue: { image: "r.example.com/runner:1.4" }
                  green: { image: "r.example.com/runner:1.5" }
                  active: green
                  promotion: { strategy: Manual }
                """,
                ImageRunner.class));

    Decision decision = world.step();

    assertThat(decision.status().runner())
        .isEqualTo(new PinnedRunner("blue-green", "green", "r.example.com/runner:1.5"));
    assertThat(
            world.job(PLAN).getSpec().getTemplate().getSpec().getContainers().getFirst().getImage())
        .isEqualTo("r.example.com/runner:1.5");
  }

  @Test
  void thePlansTotalsCreateTheIndexedJob() {
    World world = planned(world(batch(S3, 1)), 2000, 10);

    Decision decision = world.step();

    Job process = world.job(PROCESS);
    assertThat(process.getSpec().getCompletions()).isEqualTo(10);
    assertThat(process.getSpec().getParallelism()).isEqualTo(4);
    assertThat(process.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(decision.status().phase()).isEqualTo(Phase.Running);
    assertThat(decision.status().images()).isEqualTo(new ImageCounts(2000L, 0L, 0L, 0L));
    assertThat(decision.status().shards()).isEqualTo(ShardCounts.of(10, 0, 0, 0));
    assertThat(condition(decision.status(), "Ready").getMessage())
        .isEqualTo("2000 images in 10 shards: Job b-g1");
  }

  @Test
  void aPlanWithoutImagesSucceedsAtOnce() {
    Decision decision = planned(world(batch(S3, 1)), 0, 0).step();

    assertThat(decision.status().phase()).isEqualTo(Phase.Succeeded);
    assertThat(decision.actions()).noneMatch(Action.CreateJob.class::isInstance);
    assertThat(condition(decision.status(), "Complete").getMessage())
        .isEqualTo("the source has no images to process");
  }

  @Test
  void anUnreadablePlanFailsTheBatch() {
    World world = world(batch(S3, 1));
    world.step();
    world.finish(PLAN, "Complete", "CompletionsReached", "", "0");
    world.pod(PLAN, null, "Succeeded", "panic: out of memory");

    Decision decision = world.step();

    assertThat(decision.status().phase()).isEqualTo(Phase.Failed);
    assertThat(reason(decision.status(), "Failed")).isEqualTo("PlanUnreadable");
    assertThat(condition(decision.status(), "Failed").getMessage())
        .isEqualTo("the planning pod's termination message is not a plan: panic: out of memory");
  }

  @Test
  void aCompletePlanWhosePodIsNotCachedYetIsLookedAtSoon() {
    World world = world(batch(S3, 1));
    world.step();
    world.finish(PLAN, "Complete", "CompletionsReached", "", "0");

    Decision decision = world.decide();

    assertThat(decision.recheck()).isEqualTo(BatchDecider.CACHE_CATCH_UP);
    assertThat(condition(decision.status(), "Ready").getMessage())
        .isEqualTo("waiting for the planning pod's result");
  }

  @Test
  void aFailedPlanFailsTheBatch() {
    World world = world(batch(S3, 1));
    world.step();
    world.finish(
        PLAN,
        "Failed",
        "BackoffLimitExceeded",
        "Job has reached the specified backoff limit",
        null);
    world.pod(PLAN, null, "Failed", "storage unreachable: cannot list s3://raw/");

    Decision decision = world.step();

    assertThat(decision.status().phase()).isEqualTo(Phase.Failed);
    assertThat(reason(decision.status(), "Failed")).isEqualTo("PlanFailed");
    assertThat(condition(decision.status(), "Failed").getMessage())
        .isEqualTo("the planning Job failed: storage unreachable: cannot list s3://raw/");
  }

  @Test
  void shardSummariesAreFoldedWhileTheJobRuns() {
    World world = running(world(batch(S3 + "execution: { maxFailedImages: 1 }", 1)), 30, 3);
    world.progress(PROCESS, "0", null, 2);
    world.pod(PROCESS, 0, "Succeeded", shard(0, 10, 1));

    Decision decision = world.step();

    ImageBatchStatus status = decision.status();
    assertThat(status.phase()).isEqualTo(Phase.Running);
    assertThat(status.images()).isEqualTo(new ImageCounts(30L, 9L, 1L, 0L));
    assertThat(status.shards()).isEqualTo(new ShardCounts(3, 1, 0, 2, "0", null));
    assertThat(status.progress()).isEqualTo("10/30");
    assertThat(status.failures()).extracting(f -> f.source()).containsExactly("in/0.jpg");
    assertThat(condition(status, "Ready").getMessage())
        .isEqualTo("1 of 3 shards done, 2 running (Job b-g1)");
  }

  @Test
  void aCompleteJobWithEveryShardReportedSucceeds() {
    World world = running(world(batch(S3, 1)), 30, 3);
    for (int i = 0; i < 3; i++) {
      world.pod(PROCESS, i, "Succeeded", shard(i, 10, 0));
    }
    world.finish(PROCESS, "Complete", "CompletionsReached", "", "0-2");

    Decision decision = world.step();

    assertThat(decision.status().phase()).isEqualTo(Phase.Succeeded);
    assertThat(condition(decision.status(), "Complete").getMessage())
        .isEqualTo("30 images: 30 succeeded, 0 failed, 0 skipped");
    assertThat(decision.status().completionTime())
        .as("the Job's completionTime")
        .isEqualTo(BatchFixtures.COMPLETED.toString());
  }

  @Test
  void failuresBeyondTheBudgetFailTheBatchAndSuspendTheJob() {
    World world = running(world(batch(S3 + "execution: { maxFailedImages: \"2.5%\" }", 1)), 40, 4);
    world.pod(PROCESS, 0, "Succeeded", shard(0, 10, 2));

    Decision decision = world.step();

    assertThat(decision.status().phase()).isEqualTo(Phase.Failed);
    assertThat(reason(decision.status(), "Failed")).isEqualTo("TooManyFailedImages");
    assertThat(condition(decision.status(), "Failed").getMessage())
        .isEqualTo(
            "2 images failed, more than execution.maxFailedImages allows (1 of 40);"
                + " status.failures and the manifest list them");
    assertThat(decision.actions())
        .singleElement()
        .isInstanceOfSatisfying(Action.SuspendJob.class, a -> assertThat(a.suspend()).isTrue());
    assertThat(world.job(PROCESS).getSpec().getSuspend()).isTrue();
  }

  @Test
  void failuresWithinTheBudgetDoNotFailTheBatch() {
    World world = running(world(batch(S3 + "execution: { maxFailedImages: \"2.5%\" }", 1)), 40, 4);
    world.pod(PROCESS, 0, "Succeeded", shard(0, 10, 1));

    assertThat(world.step().status().phase()).isEqualTo(Phase.Running);
  }

  @Test
  void exitCodeThreeFailsTheBatchAsInvalidConfiguration() {
    World world = running(world(batch(S3, 1)), 30, 3);
    world.pod(PROCESS, 1, "Failed", "spec.variants[0].formats: avif cannot be written");
    world.finish(
        PROCESS,
        "Failed",
        "PodFailurePolicy",
        "Container runner for pod b-g1-1 failed with exit code 3",
        null);

    Decision decision = world.step();

    assertThat(reason(decision.status(), "Failed")).isEqualTo("InvalidConfiguration");
    assertThat(condition(decision.status(), "Failed").getMessage())
        .isEqualTo(
            "a runner exited with code 3 (invalid configuration), so the Job failed without"
                + " retries: spec.variants[0].formats: avif cannot be written");
  }

  @Test
  void aDeadlineFailsTheBatch() {
    World world = running(world(batch(S3, 1)), 30, 3);
    world.finish(
        PROCESS,
        "Failed",
        "DeadlineExceeded",
        "Job was active longer than specified deadline",
        null);

    Decision decision = world.step();

    assertThat(reason(decision.status(), "Failed")).isEqualTo("DeadlineExceeded");
    assertThat(condition(decision.status(), "Failed").getMessage())
        .isEqualTo(
            "Job b-g1 failed (DeadlineExceeded): Job was active longer than specified deadline");
  }

  @Test
  void aSpecChangeStartsANewRunAndDeletesTheOldRunsJobs() {
    World world = running(world(batch(S3, 1)), 30, 3);
    world.batch =
        BatchFixtures.withStatus(
            batch(S3.replace("width: 400", "width: 800"), 2), world.batch.getStatus());

    Decision decision = world.step();

    assertThat(decision.actions())
        .filteredOn(Action.DeleteJob.class::isInstance)
        .extracting(a -> ((Action.DeleteJob) a).job().getMetadata().getName())
        .containsExactlyInAnyOrder(PLAN, PROCESS);
    assertThat(world.jobs).extracting(j -> j.getMetadata().getName()).containsExactly("b-plan-g2");
    assertThat(decision.status().phase()).isEqualTo(Phase.Planning);
    assertThat(decision.status().observedGeneration()).isEqualTo(2);
  }

  @Test
  void suspendPausesTheRunAndResumeContinuesIt() {
    World world = running(world(batch(S3, 1)), 30, 3);
    world.batch = BatchFixtures.withStatus(batch(S3 + "suspend: true", 2), world.batch.getStatus());

    Decision paused = world.step();

    assertThat(paused.actions()).containsExactly(new Action.SuspendJob(jobBefore(paused), true));
    assertThat(paused.status().phase()).isEqualTo(Phase.Suspended);
    assertThat(world.job(PROCESS).getSpec().getSuspend()).isTrue();

    world.batch =
        BatchFixtures.withStatus(batch(S3 + "suspend: false", 3), world.batch.getStatus());
    Decision resumed = world.step();

    assertThat(resumed.status().phase()).isEqualTo(Phase.Running);
    assertThat(world.job(PROCESS).getSpec().getSuspend()).isFalse();
    assertThat(world.jobs).hasSize(2); // the same run: no new Jobs
  }

  @Test
  void withAKueueQueueOnlyPausingIsPassedOn() {
    World world = world(batch(S3 + "execution: { queueName: team-a }", 1));
    world.step();

    Job plan = world.job(PLAN);
    assertThat(plan.getSpec().getSuspend()).isTrue();
    assertThat(plan.getMetadata().getLabels()).containsEntry("kueue.x-k8s.io/queue-name", "team-a");
    assertThat(world.decide().actions()).as("Kueue admits, not the operator").isEmpty();
  }

  @Test
  void aQueuedBatchPausesAndResumesThroughItsKueueWorkloads() {
    String queued = S3 + "execution: { queueName: team-a }\n";
    World world = running(world(batch(queued, 1)), 30, 3);
    world.admit(PROCESS);
    world.admission = Optional.of(PodsCannotRun.Admission.WORKLOAD_EXISTS);
    world.batch =
        BatchFixtures.withStatus(batch(queued + "suspend: true", 2), world.batch.getStatus());

    Decision paused = world.step();

    assertThat(paused.actions())
        .as("Kueue would unsuspend a Job the operator suspended")
        .containsExactly(new Action.SetWorkloadsActive(world.job(PROCESS), false));
    assertThat(paused.status().phase()).isEqualTo(Phase.Suspended);

    // Kueue evicts the deactivated Workload's Job: suspended, its quota freed.
    world.jobs.replaceAll(j -> new JobBuilder(j).editSpec().withSuspend(true).endSpec().build());
    world.admission = Optional.of(PodsCannotRun.Admission.DEACTIVATED);
    assertThat(world.decide().actions()).isEmpty();

    world.batch =
        BatchFixtures.withStatus(batch(queued + "suspend: false", 3), world.batch.getStatus());
    Decision resumed = world.step();

    assertThat(resumed.actions())
        .containsExactly(new Action.SetWorkloadsActive(world.job(PROCESS), true));
    assertThat(resumed.status().phase()).isEqualTo(Phase.Running);
    assertThat(reason(resumed.status(), "Reconciling")).isEqualTo("WaitingForAdmission");

    world.admission = Optional.of(PodsCannotRun.Admission.WORKLOAD_EXISTS);
    assertThat(world.decide().actions()).as("admitting it again is Kueue's").isEmpty();
  }

  @Test
  void failuresBeyondTheBudgetStopAQueuedJobThroughItsKueueWorkloads() {
    World world =
        running(
            world(batch(S3 + "execution: { queueName: team-a, maxFailedImages: 1 }", 1)), 40, 4);
    world.admit(PROCESS);
    world.pod(PROCESS, 0, "Succeeded", shard(0, 10, 2));

    Decision decision = world.step();

    assertThat(reason(decision.status(), "Failed")).isEqualTo("TooManyFailedImages");
    assertThat(decision.actions())
        .containsExactly(new Action.SetWorkloadsActive(world.job(PROCESS), false));
  }

  @Test
  void aFinishedRunIsFinalEvenWhenItsJobsAreGone() {
    World world = running(world(batch(S3, 1)), 30, 3);
    for (int i = 0; i < 3; i++) {
      world.pod(PROCESS, i, "Succeeded", shard(i, 10, 0));
    }
    world.finish(PROCESS, "Complete", "CompletionsReached", "", "0-2");
    ImageBatchStatus done = world.step().status();
    world.jobs.clear(); // ttlSecondsAfterFinished
    world.pods.clear();

    Decision later = world.decide();

    assertThat(later.actions()).isEmpty();
    assertThat(later.status()).isEqualTo(done);
  }

  @Test
  void aPodWaitingForAMissingSecretStallsTheRunningBatch() {
    World world = running(world(batch(S3, 1)), 30, 3);
    world.waitingPod(PROCESS, "CreateContainerConfigError", "secret \"s3-credentials\" not found");

    Decision decision = world.step();

    assertThat(decision.status().phase()).isEqualTo(Phase.Running);
    assertThat(reason(decision.status(), "Stalled")).isEqualTo("SecretNotFound");
    assertThat(condition(decision.status(), "Reconciling").getStatus()).isEqualTo("False");
  }

  @Test
  void aMaxFailedImagesStoredBeforeTheRuleIsAnInvalidConfiguration() {
    World world = running(world(batch(S3 + "execution: { maxFailedImages: \"5\" }", 1)), 30, 3);

    Decision decision = world.step();

    assertThat(reason(decision.status(), "Failed")).isEqualTo("InvalidConfiguration");
    assertThat(condition(decision.status(), "Failed").getMessage())
        .isEqualTo(
            "spec.execution.maxFailedImages must be a non-negative integer, or a percentage from"
                + " 0% to 100% such as \"1%\" or \"2.5%\", not \"5\"");
  }

  @Test
  void aShardIsFoldedOnceAndItsPodReleasedAfterTheWrite() {
    World world = running(world(batch(S3, 1)), 30, 3);
    world.pod(PROCESS, 0, "Succeeded", shard(0, 10, 0));
    Pod pod = world.pods.getLast();

    Decision first = world.step();

    assertThat(first.release()).containsExactly(pod);
    assertThat(first.status().images()).isEqualTo(new ImageCounts(30L, 10L, 0L, 0L));
    assertThat(first.status().shards().folded()).isEqualTo("0");

    // The same pod again (its update, a resync): not counted twice, nothing left to release.
    Decision again = world.step();
    assertThat(again.status().images()).isEqualTo(new ImageCounts(30L, 10L, 0L, 0L));
    assertThat(again.release()).isEmpty();
  }

  @Test
  void countsNeverGoBackwardsWhenAFoldedPodIsDeleted() {
    World world = running(world(batch(S3, 1)), 30, 3);
    world.pod(PROCESS, 0, "Succeeded", shard(0, 10, 0));
    world.pod(PROCESS, 1, "Succeeded", shard(1, 10, 0));
    world.step();
    world.pods.removeIf(p -> p.getMetadata().getName().startsWith("b-g1-0-"));

    Decision decision = world.step();

    assertThat(decision.status().images()).isEqualTo(new ImageCounts(30L, 20L, 0L, 0L));
    assertThat(decision.status().shards().folded()).isEqualTo("0-1");
  }

  /** Issue 14: a succeeded index whose pod went before it was read no longer stalls the batch. */
  @Test
  void aCompletedIndexWhosePodIsGoneCountsAsUnknownAndTheBatchFinishes() {
    World world = running(world(batch(S3, 1)), 30, 3);
    world.pod(PROCESS, 0, "Succeeded", shard(0, 10, 0));
    world.pod(PROCESS, 2, "Succeeded", shard(2, 10, 0));
    world.finish(PROCESS, "Complete", "CompletionsReached", "", "0-2");

    Decision decision = world.step();

    assertThat(decision.status().phase()).isEqualTo(Phase.Succeeded);
    assertThat(decision.status().shards().folded()).isEqualTo("0,2");
    assertThat(decision.status().shards().unknown()).isEqualTo("1");
    assertThat(decision.status().images()).isEqualTo(new ImageCounts(30L, 20L, 0L, 0L));
    assertThat(condition(decision.status(), "Complete").getMessage())
        .isEqualTo(
            "30 images: 20 succeeded, 0 failed, 0 skipped; the image counts of 1 shards are"
                + " unknown (their pods were gone before their summaries were read)");
  }

  @Test
  void aJustCompletedJobWaitsForItsPodsBeforeCountingThemUnknown() {
    World world = running(world(batch(S3, 1)), 30, 3);
    world.pod(PROCESS, 0, "Succeeded", shard(0, 10, 0));
    world.finish(PROCESS, "Complete", "CompletionsReached", "", "0-2");
    Job job = world.job(PROCESS);
    job.getStatus().setCompletionTime(NOW.minusSeconds(4).toString());

    Decision decision = world.step();

    assertThat(decision.status().phase()).isEqualTo(Phase.Running);
    assertThat(decision.status().shards().unknown()).isNull();
    assertThat(decision.recheck()).isEqualTo(java.time.Duration.ofSeconds(6));
  }

  @Test
  void aNewGenerationStartsFreshSums() {
    World world = running(world(batch(S3, 1)), 30, 3);
    world.pod(PROCESS, 0, "Succeeded", shard(0, 10, 0));
    world.step();
    world.batch =
        BatchFixtures.withStatus(
            batch(S3.replace("width: 400", "width: 800"), 2), world.batch.getStatus());
    world.step(); // the new run plans
    world.finish("b-plan-g2", "Complete", "CompletionsReached", "", "0");
    world.pod(
        "b-plan-g2",
        null,
        "Succeeded",
        TerminationMessage.encode(new PlanSummary(30, 3, 10, "s3://derived/_imagebatch/b/2/")));
    world.step();
    world.pod("b-g2", 0, "Succeeded", shard(0, 10, 1));

    Decision decision = world.step();

    assertThat(decision.status().images()).isEqualTo(new ImageCounts(30L, 9L, 1L, 0L));
    assertThat(decision.status().shards().folded()).isEqualTo("0");
  }

  /** Issue 14: a Job deleted by its TTL before the batch finished started the whole batch again. */
  @Test
  void aRunWhoseJobsVanishIsNeverStartedAgain() {
    World world = running(world(batch(S3, 1)), 30, 3);
    world.pod(PROCESS, 0, "Succeeded", shard(0, 10, 0));
    world.step();
    world.jobs.clear();
    world.pods.clear();

    Decision decision = world.step();

    assertThat(decision.actions()).isEmpty();
    assertThat(decision.status().phase()).isEqualTo(Phase.Failed);
    assertThat(reason(decision.status(), "Failed")).isEqualTo("JobsDeleted");
    assertThat(condition(decision.status(), "Failed").getMessage())
        .isEqualTo(
            "the run's Jobs were deleted before it finished (1 of 3 shards reported); it is not"
                + " run again: change the spec to start a new run");
    assertThat(decision.status().images()).isEqualTo(new ImageCounts(30L, 10L, 0L, 0L));
    assertThat(world.decide().actions()).as("and stays so").isEmpty();
  }

  @Test
  void podsThatNeedNoFoldingAreReleased() {
    World world = running(world(batch(S3 + "execution: { maxFailedImages: 5 }", 1)), 30, 3);
    Pod plan = world.pods.getFirst();
    assertThat(plan.getMetadata().getFinalizers())
        .as("the plan is in the Indexed Job now")
        .doesNotContain(io.imagebatch.operator.workload.ShardResultFinalizer.NAME);
    world.pod(PROCESS, 1, "Failed", "OOMKilled");
    Pod failed = world.pods.getLast();
    world.pod(PROCESS, 2, "Running", null);
    Pod running = world.pods.getLast();

    Decision decision = world.step();

    assertThat(decision.release()).containsExactly(failed);
    assertThat(decision.release()).doesNotContain(running);
  }

  @Test
  void anImageThatCannotBePulledStallsTheBatch() {
    World world = running(world(batch(S3, 1)), 30, 3);
    world.waitingPod(
        PROCESS, "ImagePullBackOff", "Back-off pulling image \"r.example.com/runner:9\"");

    ImageBatchStatus status = world.step().status();

    assertThat(status.phase()).isEqualTo(Phase.Running);
    assertThat(reason(status, "Stalled")).isEqualTo("ImagePullFailed");
    assertThat(condition(status, "Stalled").getStatus()).isEqualTo("True");
    assertThat(condition(status, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(condition(status, "Stalled").getMessage())
        .startsWith("runner pod b-g1-waiting-1 cannot pull")
        .contains("(ImagePullBackOff: Back-off pulling image \"r.example.com/runner:9\")")
        .endsWith(
            "fix the runner image (the ImageRunner's slot, or the operator's"
                + " imagebatch.runner.image) or the image pull credentials");
  }

  @Test
  void anUnschedulablePodWaitsForCapacity() {
    World world = running(world(batch(S3, 1)), 30, 3);
    world.waitingPod(PROCESS, "ContainerCreating", "");
    Pod pod = world.pods.getLast();
    pod.getStatus().getContainerStatuses().clear();
    pod.getStatus()
        .getConditions()
        .add(
            new io.fabric8.kubernetes.api.model.PodConditionBuilder()
                .withType("PodScheduled")
                .withStatus("False")
                .withReason("Unschedulable")
                .withMessage("0/3 nodes are available: 3 Insufficient memory.")
                .build());

    ImageBatchStatus status = world.step().status();

    assertThat(reason(status, "Reconciling")).isEqualTo("Unschedulable");
    assertThat(condition(status, "Reconciling").getStatus()).isEqualTo("True");
    assertThat(condition(status, "Stalled").getStatus()).isEqualTo("False");
    assertThat(condition(status, "Reconciling").getMessage())
        .isEqualTo(
            "runner pod b-g1-waiting-1 cannot be scheduled: 0/3 nodes are available: 3"
                + " Insufficient memory.; it waits for capacity (check spec.execution.resources,"
                + " nodeSelector, tolerations and affinity)");
  }

  @Test
  void aQuotaRefusingThePodsStallsTheBatch() {
    World world = running(world(batch(S3, 1)), 30, 3);
    world.failedCreate =
        Optional.of(
            "pods \"b-g1-0-abcde\" is forbidden: exceeded quota: compute, requested:"
                + " limits.memory=2Gi, used: limits.memory=0, limited: limits.memory=1Gi");

    ImageBatchStatus status = world.step().status();

    assertThat(reason(status, "Stalled")).isEqualTo("QuotaExceeded");
    assertThat(condition(status, "Stalled").getMessage())
        .isEqualTo(
            "the Job controller cannot create the pods of Job b-g1: pods \"b-g1-0-abcde\" is"
                + " forbidden: exceeded quota: compute, requested: limits.memory=2Gi, used:"
                + " limits.memory=0, limited: limits.memory=1Gi; raise the namespace's"
                + " ResourceQuota, or lower spec.execution.resources or"
                + " spec.execution.parallelism");
  }

  @Test
  void aJobKueueHasNotAdmittedWaitsAndSaysWhenKueueSeemsAbsent() {
    World world = world(batch(S3 + "execution: { queueName: team-a }", 1));
    world.step();
    world.admission = Optional.of(PodsCannotRun.Admission.WORKLOAD_EXISTS);

    Decision waiting = world.decide();

    assertThat(reason(waiting.status(), "Reconciling")).isEqualTo("WaitingForAdmission");
    assertThat(condition(waiting.status(), "Reconciling").getStatus()).isEqualTo("True");
    assertThat(condition(waiting.status(), "Reconciling").getMessage())
        .isEqualTo("Job b-plan-g1 waits for Kueue to admit it (LocalQueue \"team-a\")");

    world.admission = Optional.of(PodsCannotRun.Admission.NO_KUEUE);
    assertThat(condition(world.decide().status(), "Reconciling").getMessage())
        .isEqualTo(
            "Job b-plan-g1 waits for Kueue to admit it (LocalQueue \"team-a\"), but this cluster"
                + " has no Kueue API (workloads.kueue.x-k8s.io): install Kueue, or remove"
                + " spec.execution.queueName");

    world.admission = Optional.of(PodsCannotRun.Admission.NO_WORKLOAD);
    // The Job was created an hour before NOW: past the grace.
    assertThat(condition(world.decide().status(), "Reconciling").getMessage())
        .endsWith(
            "but Kueue made no Workload for it in 2 minutes: is Kueue running, and does LocalQueue"
                + " \"team-a\" exist in this namespace?");
  }

  private static Job jobBefore(Decision decision) {
    return ((Action.SuspendJob) decision.actions().getFirst()).job();
  }

  /** The planning Job completed with a plan of {@code total} images in {@code shards}. */
  private static World planned(World world, long total, int shards) {
    world.step();
    world.finish(PLAN, "Complete", "CompletionsReached", "", "0");
    world.pod(
        PLAN,
        null,
        "Succeeded",
        TerminationMessage.encode(
            new PlanSummary(total, shards, 10, "s3://derived/_imagebatch/b/1/")));
    return world;
  }

  /** The Indexed Job created and running. */
  private static World running(World world, long total, int shards) {
    planned(world, total, shards).step();
    assertThat(world.batch.getStatus().phase()).isEqualTo(Phase.Running);
    return world;
  }

  static Condition condition(ImageBatchStatus status, String type) {
    return status.conditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  static String reason(ImageBatchStatus status, String type) {
    Condition c = condition(status, type);
    return c.getReason();
  }
}
