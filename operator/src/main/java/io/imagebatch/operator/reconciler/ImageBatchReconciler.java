package io.imagebatch.operator.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import io.imagebatch.operator.condition.PersistentVolumeClaimsExist;
import io.imagebatch.operator.condition.Precondition;
import io.imagebatch.operator.condition.RunnerResolver;
import io.imagebatch.operator.condition.SecretsMissing;
import io.imagebatch.operator.condition.UrlsConfigMapExists;
import io.imagebatch.operator.config.RunnerSettings;
import io.imagebatch.operator.dependent.Jobs;
import io.imagebatch.operator.dependent.Labels;
import io.imagebatch.operator.dependent.PlanJob;
import io.imagebatch.operator.dependent.PodSettings;
import io.imagebatch.operator.dependent.ProcessJob;
import io.imagebatch.operator.dependent.Run;
import io.imagebatch.operator.dependent.RunnerPodTemplate;
import io.imagebatch.operator.dependent.SpecConfigMap;
import io.imagebatch.operator.metrics.BatchMetrics;
import io.imagebatch.operator.status.ImageBatchStatusAggregator;
import io.imagebatch.operator.status.ShardResults;
import io.imagebatch.operator.status.TerminationMessages;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reconciles an ImageBatch into a ConfigMap with its spec, a planning Job and an Indexed Job, and
 * folds what they report back into status. Each pass observes (Jobs, pods), checks preconditions,
 * acts (create, suspend, delete a stale run), then writes status only when it changed.
 *
 * <p>The operator never reads Secrets: storage credentials reach runner pods as secretKeyRef. Its
 * RBAC is the chart's (helm/imagebatch/templates/_helpers.tpl), the one place it is written.
 */
@ControllerConfiguration(name = ImageBatchReconciler.NAME)
public class ImageBatchReconciler implements Reconciler<ImageBatch> {
  public static final String NAME = "imagebatch";

  /** How soon to look again when the Job says done but its pods are not in the cache yet. */
  private static final Duration CACHE_CATCH_UP = Duration.ofSeconds(2);

  private static final List<Precondition> PRECONDITIONS =
      List.of(new PersistentVolumeClaimsExist(), new UrlsConfigMapExists());

  private final RunnerSettings settings;
  private final BatchMetrics metrics;
  private final RunnerResolver runners;

  public ImageBatchReconciler(RunnerSettings settings, BatchMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.runners = new RunnerResolver(settings);
  }

  @Override
  public List<EventSource<?, ImageBatch>> prepareEventSources(
      EventSourceContext<ImageBatch> context) {
    metrics.watch(() -> context.getPrimaryCache().list().toList());
    return List.of(
        informer(context, Job.class),
        informer(context, Pod.class),
        informer(context, ConfigMap.class));
  }

  /**
   * Watches only what this operator created, mapped to its batch by the imagebatch.io/batch label.
   */
  private static <R extends HasMetadata> InformerEventSource<R, ImageBatch> informer(
      EventSourceContext<ImageBatch> context, Class<R> type) {
    SecondaryToPrimaryMapper<R> byBatchLabel =
        resource ->
            Labels.label(resource, Labels.BATCH)
                .map(b -> Set.of(new ResourceID(b, resource.getMetadata().getNamespace())))
                .orElse(Set.of());
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, ImageBatch.class)
            .withName(type.getSimpleName().toLowerCase(java.util.Locale.ROOT))
            .withLabelSelector(Labels.MANAGED_SELECTOR)
            .withSecondaryToPrimaryMapper(byBatchLabel)
            .build(),
        context);
  }

  /**
   * A reconciliation that threw: counted (imagebatch_reconciliation_errors_total); JOSDK retries.
   */
  @Override
  public ErrorStatusUpdateControl<ImageBatch> updateErrorStatus(
      ImageBatch batch, Context<ImageBatch> context, Exception e) {
    metrics.reconciliationFailed("ImageBatch");
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  @Override
  public UpdateControl<ImageBatch> reconcile(ImageBatch batch, Context<ImageBatch> context) {
    metrics.reconciled();
    KubernetesClient client = context.getClient();
    long generation = Labels.generation(batch);
    ImageBatchStatus previous = batch.getStatus();
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();

    // Observe: which run is current. Jobs of another spec belong to an older run: delete them.
    String hash = Run.hash(batch.getSpec(), client.getKubernetesSerialization());
    Set<Job> jobs = context.getSecondaryResources(Job.class);
    List<Job> current =
        jobs.stream().filter(j -> hash.equals(annotation(j, Run.SPEC_HASH))).toList();
    jobs.stream().filter(j -> !current.contains(j)).forEach(j -> deleteInBackground(client, j));
    metrics.observed(
        batch.getMetadata().getNamespace(), current, context.getSecondaryResources(Pod.class));
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

    // A finished run is final: its Jobs may be gone (ttlSecondsAfterFinished), never redo it.
    if (sameRun && terminal(previous.phase())) {
      return finish(client, batch, previous, refreshed(previous, generation), null);
    }

    ImageBatchStatusAggregator status = new ImageBatchStatusAggregator(previous, generation, now);
    PinnedRunner pinned = sameRun ? previous.runner() : null;
    String startTime = sameRun ? previous.startTime() : null;
    Optional<Job> plan = named(current, PlanJob.name(run));
    Optional<Job> process = named(current, ProcessJob.name(run));
    boolean suspended = Boolean.TRUE.equals(batch.getSpec().suspend());
    Duration recheck = null;

    if (process.isEmpty()) {
      // Before processing starts: what the pods will need must exist.
      RunnerResolver.Resolution resolution = runners.resolve(batch, client);
      Optional<Precondition.Unmet> unmet =
          PRECONDITIONS.stream().flatMap(p -> p.check(batch, client).stream()).findFirst();
      if (unmet.isEmpty() && resolution instanceof RunnerResolver.Missing missing) {
        unmet = Optional.of(missing.unmet());
      }
      if (unmet.isPresent()) {
        status.stalled(unmet.get().reason(), unmet.get().message()).runner(pinned);
        status.times(startTime, null);
        return finish(client, batch, previous, status.build(), settings.stalledRecheck());
      }
      RunnerResolver.Resolved resolved = (RunnerResolver.Resolved) resolution;
      if (pinned == null) {
        pinned = plan.map(ImageBatchReconciler::runnerOf).orElse(resolved.runner());
      }
      ResourceRequirements resources =
          RunnerPodTemplate.resources(
              batch.getSpec().execution(), resolved.defaults(), settings.resources());
      SpecConfigMap.reconcile(
          run,
          context.getSecondaryResources(ConfigMap.class).stream()
              .filter(c -> SpecConfigMap.name(batch).equals(c.getMetadata().getName()))
              .findFirst(),
          client);
      status.runner(pinned);
      String note = resolved.note().isEmpty() ? "" : "; " + resolved.note();

      if (plan.isEmpty()) {
        Jobs.create(client, PlanJob.desired(run, pod(pinned, resources)));
        startTime = now;
        planning(status, suspended, "planning Job " + PlanJob.name(run) + " created" + note);
      } else {
        Job planJob = plan.get();
        Jobs.syncSuspend(batch, planJob, client);
        startTime = startTime != null ? startTime : planJob.getMetadata().getCreationTimestamp();
        List<Pod> planPods = pods(context, run, Labels.PLAN);
        if (Jobs.failed(planJob)) {
          status.phase(
              Phase.Failed,
              "PlanFailed",
              "the planning Job failed: " + failureText(planJob, planPods));
        } else if (Jobs.complete(planJob)) {
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
                    new ShardCounts(0, 0, 0, 0),
                    new VariantCounts(0L, 0L, 0L),
                    null)
                .manifest(parsed.get().manifest())
                .phase(Phase.Succeeded, "Succeeded", "the source has no images to process");
          } else if (parsed.isPresent()) {
            PlanSummary p = parsed.get();
            Jobs.create(client, ProcessJob.desired(run, p, pod(pinned, resources)));
            status
                .counts(
                    new ImageCounts(p.total(), 0L, 0L, 0L),
                    new ShardCounts(p.shards(), 0, 0, 0),
                    new VariantCounts(0L, 0L, 0L),
                    null)
                .manifest(p.manifest());
            running(
                status,
                suspended,
                p.total() + " images in " + p.shards() + " shards: Job " + ProcessJob.name(run));
          } else if (succeeded.isPresent()) {
            status.phase(
                Phase.Failed,
                "PlanUnreadable",
                "the planning pod's termination message is not a plan: "
                    + TerminationMessages.of(succeeded.get(), RunnerPodTemplate.CONTAINER)
                        .map(ImageBatchReconciler::shorten)
                        .orElse("(empty)"));
          } else {
            planning(status, suspended, "waiting for the planning pod's result");
            recheck = CACHE_CATCH_UP;
          }
        } else {
          planning(status, suspended, "planning Job " + PlanJob.name(run) + " is running" + note);
          blockedBySecret(batch, planPods, status);
        }
      }
    } else {
      Job job = process.get();
      Jobs.syncSuspend(batch, job, client);
      if (pinned == null) {
        pinned = runnerOf(job);
      }
      status.runner(pinned);
      startTime = startTime != null ? startTime : job.getMetadata().getCreationTimestamp();
      List<Pod> processPods = pods(context, run, Labels.PROCESS);
      recheck = observeProcessing(batch, run, job, processPods, status);
      if (!terminal(status.currentPhase())) {
        blockedBySecret(batch, processPods, status);
      }
      if (status.currentPhase() == Phase.Failed && !Jobs.finished(job)) {
        stop(client, job); // beyond the failure budget: no point finishing the other shards
      }
    }

    Phase phase = status.currentPhase();
    String completionTime = null;
    if (terminal(phase)) {
      completionTime =
          process
              .filter(Jobs::complete)
              .map(j -> j.getStatus().getCompletionTime())
              .filter(Objects::nonNull)
              .orElse(now);
    }
    status.times(startTime, completionTime);
    return finish(client, batch, previous, status.build(), recheck);
  }

  /**
   * A pod of the run waiting for a missing Secret (or key) stalls the batch until it starts. No
   * extra trigger is needed for either edge: the Pod informer (prepareEventSources) maps every
   * runner pod to its batch by label, and the kubelet's status writes (to waiting, then to running
   * once the Secret exists) are pod updates that reconcile the batch again. A timed recheck would
   * only repeat what those events already deliver.
   */
  private static void blockedBySecret(
      ImageBatch batch, List<Pod> pods, ImageBatchStatusAggregator status) {
    SecretsMissing.check(batch, pods)
        .ifPresent(unmet -> status.blocked(unmet.reason(), unmet.message()));
  }

  /** Folds the processing Job and its pods' summaries into status; returns when to look again. */
  private Duration observeProcessing(
      ImageBatch batch, Run run, Job job, List<Pod> pods, ImageBatchStatusAggregator status) {
    ShardResults results = ShardResults.fold(pods);
    long total = ProcessJob.totalImages(job);
    int shards = job.getSpec().getCompletions() == null ? 0 : job.getSpec().getCompletions();
    var jobStatus = job.getStatus();
    int succeededShards = jobStatus == null ? 0 : IndexSet.count(jobStatus.getCompletedIndexes());
    int failedShards = jobStatus == null ? 0 : IndexSet.count(jobStatus.getFailedIndexes());
    int active = jobStatus == null || jobStatus.getActive() == null ? 0 : jobStatus.getActive();
    status
        .counts(
            new ImageCounts(total, results.succeeded(), results.failed(), results.skipped()),
            new ShardCounts(shards, succeededShards, failedShards, active),
            new VariantCounts(results.written(), results.bytesIn(), results.bytesOut()),
            results.failures())
        .manifest(ProcessJob.manifest(job).orElse(null));
    boolean suspended = Boolean.TRUE.equals(batch.getSpec().suspend());

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
      return null;
    }
    FailureBudget budget;
    try {
      budget = FailureBudget.parse(batch.getSpec().execution().maxFailedImages());
    } catch (IllegalArgumentException e) {
      // Stored before the CRD's rule existed: the API server no longer accepts such a value.
      status.phase(
          Phase.Failed, "InvalidConfiguration", "spec.execution.maxFailedImages " + e.getMessage());
      return null;
    }
    long allowed = budget.allowed(total);
    if (results.failed() > allowed) {
      status.phase(
          Phase.Failed,
          "TooManyFailedImages",
          results.failed()
              + " images failed, more than execution.maxFailedImages allows ("
              + allowed
              + " of "
              + total
              + "); status.failures and the manifest list them");
      return null;
    }
    if (Jobs.complete(job)) {
      if (results.reported() + results.unreadable() >= shards) {
        String unread =
            results.unreadable() == 0
                ? ""
                : "; " + results.unreadable() + " shards left no readable summary";
        status.phase(
            Phase.Succeeded,
            "Succeeded",
            String.format(
                "%d images: %d succeeded, %d failed, %d skipped%s",
                total, results.succeeded(), results.failed(), results.skipped(), unread));
        return null;
      }
      running(status, suspended, "collecting shard results");
      return CACHE_CATCH_UP;
    }
    running(
        status,
        suspended,
        String.format(
            "%d of %d shards done, %d running (Job %s)",
            succeededShards, shards, active, run.name() + "-g" + run.generation()));
    return null;
  }

  /** Writes status when it changed, records events for a new phase and metrics for any change. */
  private UpdateControl<ImageBatch> finish(
      KubernetesClient client,
      ImageBatch batch,
      ImageBatchStatus previous,
      ImageBatchStatus next,
      Duration recheck) {
    Phase before = previous == null ? null : previous.phase();
    boolean newRun = previous == null || !Objects.equals(previous.startTime(), next.startTime());
    if (next.phase() != before || (newRun && next.startTime() != null)) {
      BatchEvents.record(client, batch, next);
    }
    metrics.transition(batch.getMetadata().getNamespace(), previous, next);
    BatchEvents.recordStall(client, batch, previous, next);
    UpdateControl<ImageBatch> control;
    if (Objects.equals(previous, next)) {
      control = UpdateControl.noUpdate();
    } else {
      ImageBatch fresh = new ImageBatch();
      fresh.setMetadata(
          new ObjectMetaBuilder()
              .withName(batch.getMetadata().getName())
              .withNamespace(batch.getMetadata().getNamespace())
              .build());
      fresh.setStatus(next);
      control = UpdateControl.patchStatus(fresh);
    }
    return recheck == null ? control : control.rescheduleAfter(recheck);
  }

  private PodSettings pod(PinnedRunner runner, ResourceRequirements resources) {
    return new PodSettings(runner, resources, settings.httpAllowHosts());
  }

  private static void planning(ImageBatchStatusAggregator status, boolean suspended, String msg) {
    if (suspended) {
      status.phase(Phase.Suspended, "Suspended", "spec.suspend is true; " + msg);
    } else {
      status.phase(Phase.Planning, "Planning", msg);
    }
  }

  private static void running(ImageBatchStatusAggregator status, boolean suspended, String msg) {
    if (suspended) {
      status.phase(Phase.Suspended, "Suspended", "spec.suspend is true; " + msg);
    } else {
      status.phase(Phase.Running, "Running", msg);
    }
  }

  /** The previous (final) status, re-stamped with the current generation. */
  private static ImageBatchStatus refreshed(ImageBatchStatus previous, long generation) {
    if (Objects.equals(previous.observedGeneration(), generation)) {
      return previous;
    }
    return new ImageBatchStatus(
        generation,
        previous.phase(),
        previous.runner(),
        previous.images(),
        previous.shards(),
        previous.variants(),
        previous.failures(),
        previous.manifest(),
        previous.startTime(),
        previous.completionTime(),
        previous.conditions() == null
            ? null
            : previous.conditions().stream()
                .map(
                    c ->
                        new io.fabric8.kubernetes.api.model.ConditionBuilder(c)
                            .withObservedGeneration(generation)
                            .build())
                .toList(),
        previous.progress());
  }

  static boolean terminal(Phase phase) {
    return phase == Phase.Succeeded || phase == Phase.Failed;
  }

  private static List<Pod> pods(Context<ImageBatch> context, Run run, String component) {
    Predicate<Pod> ofRun =
        p ->
            Labels.ofGeneration(p, run.generation())
                && Labels.label(p, Labels.COMPONENT).map(component::equals).orElse(false);
    return context.getSecondaryResources(Pod.class).stream().filter(ofRun).toList();
  }

  private static Optional<Job> named(List<Job> jobs, String name) {
    return jobs.stream().filter(j -> Jobs.isNamed(j, name)).findFirst();
  }

  private static String annotation(HasMetadata resource, String key) {
    ObjectMeta meta = resource.getMetadata();
    return meta.getAnnotations() == null ? null : meta.getAnnotations().get(key);
  }

  private static String phaseOf(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }

  /** The runner a Job was created with, for a status that lost it. */
  private static PinnedRunner runnerOf(Job job) {
    String image = job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    return new PinnedRunner(
        annotation(job, Labels.RUNNER_NAME), annotation(job, Labels.RUNNER_COLOR), image);
  }

  /** What the failed pods said: the latest failed runner's termination message, shortened. */
  private static String failureText(Job job, List<Pod> pods) {
    return pods.stream()
        .filter(p -> "Failed".equals(phaseOf(p)))
        .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
        .flatMap(p -> TerminationMessages.of(p, RunnerPodTemplate.CONTAINER))
        .map(ImageBatchReconciler::shorten)
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

  private static void deleteInBackground(KubernetesClient client, Job job) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName())
        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete();
  }

  /** Stops a Job's remaining pods (a suspended Job deletes them) once the batch has failed. */
  private static void stop(KubernetesClient client, Job job) {
    if (!Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      Jobs.setSuspend(client, job, true);
    }
  }
}
