package io.imagebatch.operator.batch;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.imagebatch.api.contract.FailureBudget;
import io.imagebatch.api.contract.PlanSummary;
import io.imagebatch.api.contract.TerminationMessage;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ImageCounts;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.PinnedRunner;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ShardCounts;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.VariantCounts;
import io.imagebatch.operator.config.RunnerSettings;
import io.imagebatch.operator.precondition.PersistentVolumeClaimsExist;
import io.imagebatch.operator.precondition.PodsCannotRun;
import io.imagebatch.operator.precondition.SecretsMissing;
import io.imagebatch.operator.precondition.Unmet;
import io.imagebatch.operator.precondition.UrlsConfigMapExists;
import io.imagebatch.operator.rollout.RunnerResolver;
import io.imagebatch.operator.status.ImageBatchStatusAggregator;
import io.imagebatch.operator.status.IndexSet;
import io.imagebatch.operator.status.ShardFold;
import io.imagebatch.operator.status.TerminationMessages;
import io.imagebatch.operator.workload.Annotations;
import io.imagebatch.operator.workload.Jobs;
import io.imagebatch.operator.workload.Labels;
import io.imagebatch.operator.workload.PlanJob;
import io.imagebatch.operator.workload.PodSettings;
import io.imagebatch.operator.workload.ProcessJob;
import io.imagebatch.operator.workload.Run;
import io.imagebatch.operator.workload.RunnerPodTemplate;
import io.imagebatch.operator.workload.ShardResultFinalizer;
import io.imagebatch.operator.workload.SpecConfigMap;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides a batch's next status and the writes that get there from what one reconciliation
 * observed. Pure: no client, no clock but {@link Observation#now()}, so every lifecycle rule is a
 * unit test ({@code BatchDeciderTest}); {@link ImageBatchReconciler} observes and carries out.
 *
 * <p>The lifecycle of a run: preconditions (claims, the urlsFrom ConfigMap, the ImageRunner), then
 * the spec ConfigMap and the planning Job, then the Indexed Job from the plan's totals, then the
 * shards' summaries folded into status until the Job finishes. A spec change (a different {@link
 * Run#hash}) starts a new run and deletes the old run's Jobs; {@code suspend} is not a new run. A
 * finished run is final: its Jobs may be gone, nothing is re-run.
 */
public final class BatchDecider {
  /** How soon to look again when the Job says done but its pods are not in the cache yet. */
  static final Duration CACHE_CATCH_UP = Duration.ofSeconds(2);

  /**
   * How long after its Job completed a succeeded index without a pod counts as unknown: the
   * informer cache may show the Job's completion before the pod's last update.
   */
  static final Duration SUMMARY_GRACE = Duration.ofSeconds(10);

  private final RunnerSettings settings;
  private final KubernetesSerialization serialization;
  private final RunnerResolver runners;

  public BatchDecider(RunnerSettings settings, KubernetesSerialization serialization) {
    this.settings = settings;
    this.serialization = serialization;
    this.runners = new RunnerResolver(settings);
  }

  public Decision decide(Observation observed) {
    return new Pass(observed).decide();
  }

  /** One decision's working state. */
  private final class Pass {
    private final Observation observed;
    private final ImageBatch batch;
    private final ImageBatchStatus previous;
    private final long generation;
    private final String now;
    private final boolean suspended;
    private final List<Action> actions = new ArrayList<>();
    private Duration recheck;

    Pass(Observation observed) {
      this.observed = observed;
      this.batch = observed.batch();
      this.previous = batch.getStatus();
      this.generation = Labels.generation(batch);
      this.now = observed.now().truncatedTo(ChronoUnit.SECONDS).toString();
      this.suspended = Boolean.TRUE.equals(batch.getSpec().suspend());
    }

    Decision decide() {
      // Which run is current: Jobs of another spec belong to an older run, and go.
      String hash = Run.hash(batch.getSpec(), serialization);
      List<Job> current =
          observed.jobs().stream()
              .filter(j -> Annotations.of(j, Annotations.SPEC_HASH).map(hash::equals).orElse(false))
              .toList();
      observed.jobs().stream()
          .filter(j -> !current.contains(j))
          .forEach(j -> actions.add(new Action.DeleteJob(j)));
      long runGeneration =
          current.stream()
              .map(j -> Labels.label(j, Labels.GENERATION).map(Long::parseLong).orElse(generation))
              .max(Long::compare)
              .orElse(generation);
      Run run = new Run(batch, runGeneration, hash);
      boolean sameRun =
          previous != null
              && previous.observedGeneration() != null
              && previous.observedGeneration() >= runGeneration
              && (previous.observedGeneration() == generation || !current.isEmpty());

      if (sameRun && terminal(previous.phase())) {
        return new Decision(refreshed(previous), actions, held(observed.pods()), null);
      }
      if (sameRun && current.isEmpty() && processStarted(previous)) {
        // The run's Jobs are gone (their TTL, a person) before it was seen to finish: the run is
        // over, and only a spec change starts another.
        return finalStatus(
            Phase.Failed,
            "JobsDeleted",
            "the run's Jobs were deleted before it finished ("
                + reported(previous)
                + "); it is not run again: change the spec to start a new run");
      }

      ImageBatchStatusAggregator status = new ImageBatchStatusAggregator(previous, generation, now);
      PinnedRunner pinned = sameRun ? previous.runner() : null;
      String startTime = sameRun ? previous.startTime() : null;
      Optional<Job> plan = named(current, PlanJob.name(run));
      Optional<Job> process = named(current, ProcessJob.name(run));

      if (process.isEmpty()) {
        RunnerResolver.Resolution resolution = runners.resolve(batch, observed.imageRunner());
        Optional<Unmet> unmet = preconditions();
        if (unmet.isEmpty() && resolution instanceof RunnerResolver.Missing missing) {
          unmet = Optional.of(missing.unmet());
        }
        if (unmet.isPresent()) {
          status.stalled(unmet.get().reason(), unmet.get().message()).runner(pinned);
          status.times(startTime, null);
          if (unmet.get().reason().startsWith("ConfigMap")) {
            recheck = settings.stalledRecheck(); // no informer on users' ConfigMaps
          }
          return new Decision(status.build(), actions, held(observed.pods()), recheck);
        }
        RunnerResolver.Resolved resolved = (RunnerResolver.Resolved) resolution;
        if (pinned == null) {
          pinned = plan.map(BatchDecider::runnerOf).orElse(resolved.runner());
        }
        PodSettings pod =
            new PodSettings(
                pinned,
                RunnerPodTemplate.resources(
                    batch.getSpec().execution(), resolved.defaults(), settings.resources()),
                settings.httpAllowHosts(),
                settings.allowUntrustedLoaders());
        specConfigMap(run);
        status.runner(pinned);
        String note = resolved.note().isEmpty() ? "" : "; " + resolved.note();
        if (plan.isEmpty()) {
          actions.add(new Action.CreateJob(PlanJob.desired(run, pod)));
          startTime = now;
          planning(status, "planning Job " + PlanJob.name(run) + " created" + note);
        } else {
          Job planJob = plan.get();
          syncSuspend(planJob);
          startTime = startTime != null ? startTime : planJob.getMetadata().getCreationTimestamp();
          planned(run, planJob, pods(run, Labels.PLAN), pod, note, status);
        }
      } else {
        Job job = process.get();
        syncSuspend(job);
        if (pinned == null) {
          pinned = runnerOf(job);
        }
        status.runner(pinned);
        startTime = startTime != null ? startTime : job.getMetadata().getCreationTimestamp();
        List<Pod> processPods = pods(run, Labels.PROCESS);
        processing(run, job, processPods, sameRun, status);
        if (!terminal(status.currentPhase())) {
          cannotRun(job, processPods, status);
        }
        if (status.currentPhase() == Phase.Failed
            && !Jobs.finished(job)
            && !Boolean.TRUE.equals(job.getSpec().getSuspend())) {
          // Beyond the failure budget: no point finishing the other shards.
          actions.add(stop(job));
        }
      }

      String completionTime = null;
      if (terminal(status.currentPhase())) {
        completionTime =
            process
                .filter(Jobs::complete)
                .map(j -> j.getStatus().getCompletionTime())
                .filter(Objects::nonNull)
                .orElse(now);
      }
      status.times(startTime, completionTime);
      ImageBatchStatus next = status.build();
      boolean planRecorded =
          process.isPresent()
              || actions.stream()
                  .anyMatch(
                      a ->
                          a instanceof Action.CreateJob(Job job)
                              && Jobs.isNamed(job, ProcessJob.name(run)));
      return new Decision(next, actions, releasable(run, planRecorded, next), recheck);
    }

    /** A terminal status kept from the previous one, for a run that cannot go on. */
    private Decision finalStatus(Phase phase, String reason, String message) {
      ImageBatchStatusAggregator status =
          ImageBatchStatusAggregator.keeping(previous, generation, now);
      status.phase(phase, reason, message);
      status.times(previous.startTime(), now);
      return new Decision(status.build(), actions, held(observed.pods()), null);
    }

    /**
     * The pods holding the operator's finalizer that may go once {@code next} is written: a shard
     * pod whose summary is folded in it (or known lost), any pod that did not succeed and has ended
     * or is being deleted, the planning pod once the plan is in the Indexed Job, every pod of
     * another run, every pod of a finished run.
     */
    private List<Pod> releasable(Run run, boolean processing, ImageBatchStatus next) {
      boolean finished = terminal(next.phase());
      java.util.BitSet counted = new java.util.BitSet();
      if (next.shards() != null) {
        counted.or(IndexSet.parse(next.shards().folded()));
        counted.or(IndexSet.parse(next.shards().unknown()));
      }
      return held(observed.pods()).stream()
          .filter(
              pod -> {
                if (finished || !Labels.ofGeneration(pod, run.generation())) {
                  return true;
                }
                boolean succeeded = "Succeeded".equals(phaseOf(pod));
                if (!succeeded) {
                  return "Failed".equals(phaseOf(pod))
                      || pod.getMetadata().getDeletionTimestamp() != null;
                }
                if (Labels.label(pod, Labels.COMPONENT).map(Labels.PLAN::equals).orElse(false)) {
                  return processing;
                }
                return ShardFold.completionIndex(pod).map(counted::get).orElse(true);
              })
          .toList();
    }

    /** What must exist before the Jobs are created; the first unmet, if any. */
    private Optional<Unmet> preconditions() {
      Optional<Unmet> claims = PersistentVolumeClaimsExist.check(batch, observed.presentClaims());
      if (claims.isPresent()) {
        return claims;
      }
      return RunnerPodTemplate.urlsFrom(batch)
          .flatMap(
              ref ->
                  UrlsConfigMapExists.check(
                      observed.urlsConfigMap(), ref, batch.getMetadata().getNamespace()));
    }

    private void specConfigMap(Run run) {
      ConfigMap desired = SpecConfigMap.desired(run, serialization);
      Optional<ConfigMap> existing = observed.specConfigMap();
      boolean current =
          existing.isPresent()
              && Objects.equals(existing.get().getData(), desired.getData())
              && Objects.equals(
                  existing.get().getMetadata().getLabels(), desired.getMetadata().getLabels());
      if (!current) {
        actions.add(new Action.ApplySpecConfigMap(desired, existing.isPresent()));
      }
    }

    /** The planning Job exists: wait for it, or act on its result. */
    private void planned(
        Run run,
        Job planJob,
        List<Pod> planPods,
        PodSettings pod,
        String note,
        ImageBatchStatusAggregator status) {
      if (Jobs.failed(planJob)) {
        status.phase(
            Phase.Failed,
            "PlanFailed",
            "the planning Job failed: " + failureText(planJob, planPods));
        return;
      }
      if (!Jobs.complete(planJob)) {
        planning(status, "planning Job " + PlanJob.name(run) + " is running" + note);
        cannotRun(planJob, planPods, status);
        return;
      }
      Optional<Pod> succeeded =
          planPods.stream()
              .filter(p -> "Succeeded".equals(phaseOf(p)))
              .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()));
      Optional<PlanSummary> parsed =
          succeeded
              .flatMap(p -> TerminationMessages.of(p, RunnerPodTemplate.CONTAINER))
              .flatMap(TerminationMessage::plan);
      if (parsed.isPresent() && (parsed.get().shards() <= 0 || parsed.get().total() <= 0)) {
        status
            .counts(
                new ImageCounts(0L, 0L, 0L, 0L),
                ShardCounts.of(0, 0, 0, 0),
                new VariantCounts(0L, 0L, 0L),
                null)
            .manifest(parsed.get().manifest())
            .phase(Phase.Succeeded, "Succeeded", "the source has no images to process");
      } else if (parsed.isPresent()) {
        PlanSummary p = parsed.get();
        actions.add(new Action.CreateJob(ProcessJob.desired(run, p, pod)));
        status
            .counts(
                new ImageCounts(p.total(), 0L, 0L, 0L),
                ShardCounts.of(p.shards(), 0, 0, 0),
                new VariantCounts(0L, 0L, 0L),
                null)
            .manifest(p.manifest());
        running(
            status,
            p.total() + " images in " + p.shards() + " shards: Job " + ProcessJob.name(run));
      } else if (succeeded.isPresent()) {
        status.phase(
            Phase.Failed,
            "PlanUnreadable",
            "the planning pod's termination message is not a plan: "
                + TerminationMessages.of(succeeded.get(), RunnerPodTemplate.CONTAINER)
                    .map(BatchDecider::shorten)
                    .orElse("(empty)"));
      } else {
        planning(status, "waiting for the planning pod's result");
        recheck = CACHE_CATCH_UP;
      }
    }

    /**
     * Folds the summaries of newly succeeded shards into the run's sums (each index once), and
     * judges the Job.
     */
    private void processing(
        Run run, Job job, List<Pod> pods, boolean sameRun, ImageBatchStatusAggregator status) {
      ShardFold fold = sameRun ? ShardFold.resume(previous) : ShardFold.fresh();
      long total = ProcessJob.totalImages(job);
      int shards = job.getSpec().getCompletions() == null ? 0 : job.getSpec().getCompletions();
      var jobStatus = job.getStatus();
      java.util.BitSet completed =
          IndexSet.parse(jobStatus == null ? null : jobStatus.getCompletedIndexes());
      int failedShards = jobStatus == null ? 0 : IndexSet.count(jobStatus.getFailedIndexes());
      int active = jobStatus == null || jobStatus.getActive() == null ? 0 : jobStatus.getActive();
      java.util.SortedMap<Integer, Pod> succeeded = new java.util.TreeMap<>();
      for (Pod pod : pods) {
        if ("Succeeded".equals(phaseOf(pod))) {
          ShardFold.completionIndex(pod).ifPresent(i -> succeeded.putIfAbsent(i, pod));
        }
      }
      succeeded.forEach(
          (index, pod) -> {
            if (!fold.counted(index)) {
              TerminationMessages.of(pod, RunnerPodTemplate.CONTAINER)
                  .flatMap(TerminationMessage::shard)
                  .ifPresentOrElse(summary -> fold.add(index, summary), () -> fold.unknown(index));
            }
          });
      Optional<java.time.Instant> completedAt = completedAt(job);
      if (completedAt.isPresent()) {
        Duration waited = Duration.between(completedAt.get(), observed.now());
        if (waited.compareTo(SUMMARY_GRACE) >= 0) {
          // The pod of a completed index is gone without its summary (deleted before the operator
          // held a finalizer on it, or its finalizer removed by hand): count the index, not its
          // images.
          completed.stream().filter(i -> !succeeded.containsKey(i)).forEach(fold::unknown);
        } else if (fold.countedShards() < shards) {
          recheck = SUMMARY_GRACE.minus(waited);
        }
      }
      status
          .counts(
              fold.images(total),
              fold.shards(shards, completed.cardinality(), failedShards, active),
              fold.variants(),
              fold.failures())
          .manifest(ProcessJob.manifest(job).orElse(null));

      Optional<JobCondition> failure =
          Jobs.condition(job, "Failed").or(() -> Jobs.condition(job, "FailureTarget"));
      if (failure.isPresent()) {
        JobCondition c = failure.get();
        String reason =
            switch (String.valueOf(c.getReason())) {
              case "PodFailurePolicy" -> "InvalidConfiguration";
              case "DeadlineExceeded" -> "DeadlineExceeded";
              default -> "ShardsFailed";
            };
        String detail =
            "PodFailurePolicy".equals(c.getReason())
                ? "a runner exited with code 3 (invalid configuration), so the Job failed without"
                    + " retries: "
                    + failureText(job, pods)
                : "Job "
                    + job.getMetadata().getName()
                    + " failed ("
                    + c.getReason()
                    + "): "
                    + Objects.requireNonNullElse(c.getMessage(), "")
                    + (failedShards > 0 ? "; failed shards: " + jobStatus.getFailedIndexes() : "");
        status.phase(Phase.Failed, reason, detail);
        return;
      }
      FailureBudget budget;
      try {
        budget = FailureBudget.parse(batch.getSpec().execution().maxFailedImages());
      } catch (IllegalArgumentException e) {
        // Stored before the CRD's rule existed: the API server no longer accepts such a value.
        status.phase(
            Phase.Failed,
            "InvalidConfiguration",
            "spec.execution.maxFailedImages " + e.getMessage());
        return;
      }
      long allowed = budget.allowed(total);
      if (fold.failed() > allowed) {
        status.phase(
            Phase.Failed,
            "TooManyFailedImages",
            fold.failed()
                + " images failed, more than execution.maxFailedImages allows ("
                + allowed
                + " of "
                + total
                + "); status.failures and the manifest list them");
        return;
      }
      if (Jobs.complete(job)) {
        if (fold.countedShards() >= shards) {
          String unknown =
              fold.unknownShards() == 0
                  ? ""
                  : "; the image counts of "
                      + fold.unknownShards()
                      + " shards are unknown (their pods were gone before their summaries were"
                      + " read)";
          status.phase(
              Phase.Succeeded,
              "Succeeded",
              String.format(
                  "%d images: %d succeeded, %d failed, %d skipped%s",
                  total, fold.succeeded(), fold.failed(), fold.skipped(), unknown));
          return;
        }
        running(status, "collecting shard results");
        if (recheck == null) {
          recheck = CACHE_CATCH_UP;
        }
        return;
      }
      running(
          status,
          String.format(
              "%d of %d shards done, %d running (Job %s)",
              completed.cardinality(), shards, active, ProcessJob.name(run)));
    }

    /**
     * Why the run's pods do not run, if they do not: a missing Secret (or key), an image that
     * cannot be pulled, a quota refusing the pods (Stalled: a user must act); no capacity, or no
     * admission by Kueue yet (Reconciling: it can clear by itself). The Pod informer maps runner
     * pods to their batch, so the kubelet's and the scheduler's status writes reconcile the batch
     * again: no timed recheck, but for Kueue's grace.
     */
    private void cannotRun(Job job, List<Pod> pods, ImageBatchStatusAggregator status) {
      if (suspended || Jobs.finished(job)) {
        return;
      }
      Optional<PodsCannotRun.Trouble> trouble =
          PodsCannotRun.pods(pods)
              .or(() -> PodsCannotRun.failedCreate(job, observed.failedCreate()));
      Optional<String> queue = Jobs.queueName(batch);
      if (trouble.isEmpty()
          && Boolean.TRUE.equals(job.getSpec().getSuspend())
          && queue.isPresent()) {
        PodsCannotRun.Admission admission =
            observed.admission(job).orElse(PodsCannotRun.Admission.NO_WORKLOAD);
        trouble =
            Optional.of(PodsCannotRun.notAdmitted(job, queue.get(), admission, observed.now()));
        Duration waited =
            Duration.between(
                java.time.Instant.parse(job.getMetadata().getCreationTimestamp()), observed.now());
        if (admission == PodsCannotRun.Admission.NO_WORKLOAD
            && waited.compareTo(PodsCannotRun.ADMISSION_GRACE) < 0) {
          recheck = PodsCannotRun.ADMISSION_GRACE.minus(waited);
        }
      }
      trouble.ifPresent(
          t -> {
            if (t.stalled()) {
              status.blocked(t.reason(), t.message());
            } else {
              status.waiting(t.reason(), t.message());
            }
          });
      SecretsMissing.check(batch, pods)
          .ifPresent(unmet -> status.blocked(unmet.reason(), unmet.message()));
    }

    /**
     * Follows spec.suspend. Kueue owns a queued Job's suspend (it unsuspends an admitted Job that
     * anyone else suspends, and keeps its quota), so a queued batch pauses by deactivating the
     * Job's Workloads (Kueue evicts the Job and frees the quota) and resumes by reactivating them
     * (Kueue queues the Job again); a queued Job waiting for admission is Kueue's to start.
     */
    private void syncSuspend(Job job) {
      if (Jobs.finished(job)) {
        return;
      }
      if (Jobs.queueName(batch).isEmpty()) {
        if (suspended != Boolean.TRUE.equals(job.getSpec().getSuspend())) {
          actions.add(new Action.SuspendJob(job, suspended));
        }
        return;
      }
      PodsCannotRun.Admission admission = observed.admission(job).orElse(null);
      if (suspended
          ? admission == PodsCannotRun.Admission.WORKLOAD_EXISTS
          : admission == PodsCannotRun.Admission.DEACTIVATED) {
        actions.add(new Action.SetWorkloadsActive(job, !suspended));
      }
    }

    /** Stops a Job's pods for good; a queued Job's through its Workloads, as a pause does. */
    private Action stop(Job job) {
      return Jobs.queueName(batch).isPresent()
          ? new Action.SetWorkloadsActive(job, false)
          : new Action.SuspendJob(job, true);
    }

    private void planning(ImageBatchStatusAggregator status, String message) {
      if (suspended) {
        status.phase(Phase.Suspended, "Suspended", "spec.suspend is true; " + message);
      } else {
        status.phase(Phase.Planning, "Planning", message);
      }
    }

    private void running(ImageBatchStatusAggregator status, String message) {
      if (suspended) {
        status.phase(Phase.Suspended, "Suspended", "spec.suspend is true; " + message);
      } else {
        status.phase(Phase.Running, "Running", message);
      }
    }

    /** The previous (final) status, re-stamped with the current generation. */
    private ImageBatchStatus refreshed(ImageBatchStatus status) {
      if (Objects.equals(status.observedGeneration(), generation)) {
        return status;
      }
      return new ImageBatchStatus(
          generation,
          status.phase(),
          status.runner(),
          status.images(),
          status.shards(),
          status.variants(),
          status.failures(),
          status.manifest(),
          status.startTime(),
          status.completionTime(),
          status.conditions() == null
              ? null
              : status.conditions().stream()
                  .map(c -> new ConditionBuilder(c).withObservedGeneration(generation).build())
                  .toList(),
          status.progress());
    }

    private List<Pod> pods(Run run, String component) {
      return observed.pods().stream()
          .filter(p -> Labels.ofGeneration(p, run.generation()))
          .filter(p -> Labels.label(p, Labels.COMPONENT).map(component::equals).orElse(false))
          .toList();
    }
  }

  /** The pods that still hold the operator's finalizer. */
  private static List<Pod> held(List<Pod> pods) {
    return pods.stream().filter(ShardResultFinalizer::held).toList();
  }

  /** Whether a status shows that its run's Indexed Job was created. */
  private static boolean processStarted(ImageBatchStatus status) {
    return !terminal(status.phase())
        && status.shards() != null
        && status.shards().total() != null
        && status.shards().total() > 0;
  }

  private static String reported(ImageBatchStatus status) {
    ImageBatchStatus.ShardCounts shards = status.shards();
    int counted = IndexSet.count(shards.folded()) + IndexSet.count(shards.unknown());
    return counted + " of " + shards.total() + " shards reported";
  }

  /** When the Job completed: its completionTime, else its Complete condition's time. */
  private static Optional<java.time.Instant> completedAt(Job job) {
    if (!Jobs.complete(job)) {
      return Optional.empty();
    }
    String time =
        Optional.ofNullable(job.getStatus().getCompletionTime())
            .or(() -> Jobs.condition(job, "Complete").map(JobCondition::getLastTransitionTime))
            .orElse(null);
    return Optional.ofNullable(time).map(java.time.Instant::parse);
  }

  static boolean terminal(Phase phase) {
    return phase == Phase.Succeeded || phase == Phase.Failed;
  }

  private static Optional<Job> named(List<Job> jobs, String name) {
    return jobs.stream().filter(j -> Jobs.isNamed(j, name)).findFirst();
  }

  private static String phaseOf(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }

  /** The runner a Job was created with, for a status that lost it. */
  private static PinnedRunner runnerOf(Job job) {
    String image = job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    return new PinnedRunner(
        Annotations.of(job, Annotations.RUNNER_NAME).orElse(null),
        Annotations.of(job, Annotations.RUNNER_COLOR).orElse(null),
        image);
  }

  /** What the failed pods said: the latest failed runner's termination message, shortened. */
  private static String failureText(Job job, List<Pod> pods) {
    return pods.stream()
        .filter(p -> "Failed".equals(phaseOf(p)))
        .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
        .flatMap(p -> TerminationMessages.of(p, RunnerPodTemplate.CONTAINER))
        .map(BatchDecider::shorten)
        .or(
            () ->
                Jobs.condition(job, "Failed")
                    .map(
                        c -> c.getReason() + ": " + Objects.requireNonNullElse(c.getMessage(), "")))
        .orElse("no message");
  }

  private static String shorten(String text) {
    String flat = text.strip().replaceAll("\\s+", " ");
    return flat.length() <= 300 ? flat : flat.substring(0, 297) + "...";
  }
}
