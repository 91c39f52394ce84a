package io.imagebatch.operator.batch;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.imagebatch.operator.metrics.BatchMetrics;
import io.imagebatch.operator.precondition.PersistentVolumeClaimsExist;
import io.imagebatch.operator.precondition.PodsCannotRun;
import io.imagebatch.operator.rollout.RunnerResolver;
import io.imagebatch.operator.status.IndexSet;
import io.imagebatch.operator.workload.Annotations;
import io.imagebatch.operator.workload.Jobs;
import io.imagebatch.operator.workload.KueueWorkloads;
import io.imagebatch.operator.workload.Labels;
import io.imagebatch.operator.workload.Run;
import io.imagebatch.operator.workload.RunnerPodTemplate;
import io.imagebatch.operator.workload.SpecConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds a batch's {@link Observation}: the informers' caches (Jobs, pods and the spec ConfigMap by
 * label; claims and ImageRunners by name), and, only in the states that need them, a few reads the
 * caches cannot answer (the urlsFrom ConfigMap before the run starts, a Job's FailedCreate events
 * while it lacks pods, Kueue's Workloads while a Job waits for admission or the batch is paused).
 * What it sees of finished pods and admitted Jobs also feeds the histograms of {@link
 * BatchMetrics#observed}.
 */
final class BatchObserver {
  private final InformerEventSource<PersistentVolumeClaim, ImageBatch> claims;
  private final InformerEventSource<ImageRunner, ImageBatch> runners;
  private final BatchMetrics metrics;

  BatchObserver(
      InformerEventSource<PersistentVolumeClaim, ImageBatch> claims,
      InformerEventSource<ImageRunner, ImageBatch> runners,
      BatchMetrics metrics) {
    this.claims = claims;
    this.runners = runners;
    this.metrics = metrics;
  }

  Observation observe(ImageBatch batch, Context<ImageBatch> context) {
    String namespace = batch.getMetadata().getNamespace();
    Set<String> presentClaims =
        PersistentVolumeClaimsExist.claims(batch).keySet().stream()
            .filter(name -> claims.get(new ResourceID(name, namespace)).isPresent())
            .collect(Collectors.toSet());
    // Users' ConfigMaps are not watched (that would cache every ConfigMap): one GET per pass, only
    // until the current run's process Job exists, which is as long as the decider checks it (a
    // planning batch too: skipping it once the plan Job existed read as "not found" and stalled
    // the batch).
    Optional<ConfigMap> urls =
        RunnerPodTemplate.urlsFrom(batch)
            .filter(ref -> !processing(batch, context))
            .flatMap(
                ref ->
                    Optional.ofNullable(
                        context
                            .getClient()
                            .configMaps()
                            .inNamespace(namespace)
                            .withName(ref.name())
                            .get()));
    List<Job> jobs = jobs(batch, context);
    List<Pod> pods = List.copyOf(context.getSecondaryResources(Pod.class));
    // Shard durations and Kueue queue waits, each pod or Job once, as they are seen.
    metrics.observed(namespace, jobs, pods);
    return new Observation(
        batch,
        jobs,
        pods,
        context.getSecondaryResources(ConfigMap.class).stream()
            .filter(c -> SpecConfigMap.name(batch).equals(c.getMetadata().getName()))
            .findFirst(),
        presentClaims,
        urls,
        runners.get(new ResourceID(RunnerResolver.runnerName(batch), namespace)),
        failedCreate(context.getClient(), jobs, pods),
        admissions(context.getClient(), batch, jobs),
        Instant.now());
  }

  /**
   * The latest FailedCreate event of a running Job that has fewer pods than it should: only then is
   * the event list read (a ResourceQuota, say, refuses the pods; the Job shows no condition).
   */
  private static Optional<String> failedCreate(
      KubernetesClient client, List<Job> jobs, List<Pod> pods) {
    for (Job job : jobs) {
      if (Jobs.finished(job) || Boolean.TRUE.equals(job.getSpec().getSuspend())) {
        continue;
      }
      String name = job.getMetadata().getName();
      long live =
          pods.stream()
              .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
              .filter(p -> !"Succeeded".equals(phase(p)) && !"Failed".equals(phase(p)))
              .filter(
                  p ->
                      Labels.label(p, "batch.kubernetes.io/job-name")
                          .map(name::equals)
                          .orElse(false))
              .count();
      if (live >= expectedPods(job)) {
        continue;
      }
      Optional<String> message =
          client
              .v1()
              .events()
              .inNamespace(job.getMetadata().getNamespace())
              .withField("involvedObject.name", name)
              .withField("reason", "FailedCreate")
              .list()
              .getItems()
              .stream()
              .filter(e -> job.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
              .max(java.util.Comparator.comparing(BatchObserver::eventTime))
              .map(io.fabric8.kubernetes.api.model.Event::getMessage);
      if (message.isPresent()) {
        return message;
      }
    }
    return Optional.empty();
  }

  /** Pods a running Job should have now: its parallelism, or fewer near its end. */
  private static long expectedPods(Job job) {
    var spec = job.getSpec();
    var status = job.getStatus();
    int completions = spec.getCompletions() == null ? 1 : spec.getCompletions();
    int parallelism = spec.getParallelism() == null ? 1 : spec.getParallelism();
    int done =
        status == null
            ? 0
            : IndexSet.count(status.getCompletedIndexes())
                + IndexSet.count(status.getFailedIndexes())
                + (status.getCompletedIndexes() == null && status.getSucceeded() != null
                    ? status.getSucceeded()
                    : 0);
    return Math.max(0, Math.min(parallelism, completions - done));
  }

  /**
   * What Kueue has for each queued Job of the batch that may need it: each Job still suspended
   * (created so and waiting for admission, or paused), and, while the batch is paused, every
   * unfinished one (to deactivate its Workload). One list of Workloads for them all.
   */
  private static Map<String, PodsCannotRun.Admission> admissions(
      KubernetesClient client, ImageBatch batch, List<Job> jobs) {
    if (Jobs.queueName(batch).isEmpty()) {
      return Map.of();
    }
    boolean paused = Boolean.TRUE.equals(batch.getSpec().suspend());
    List<Job> queued =
        jobs.stream()
            .filter(j -> !Jobs.finished(j))
            .filter(j -> paused || Boolean.TRUE.equals(j.getSpec().getSuspend()))
            .toList();
    if (queued.isEmpty()) {
      return Map.of();
    }
    Optional<List<GenericKubernetesResource>> workloads =
        KueueWorkloads.of(client, batch.getMetadata().getNamespace(), queued);
    Map<String, PodsCannotRun.Admission> admissions = new HashMap<>();
    for (Job job : queued) {
      admissions.put(
          job.getMetadata().getName(),
          workloads.map(all -> admission(job, all)).orElse(PodsCannotRun.Admission.NO_KUEUE));
    }
    return admissions;
  }

  private static PodsCannotRun.Admission admission(
      Job job, List<GenericKubernetesResource> workloads) {
    List<GenericKubernetesResource> own =
        workloads.stream()
            .filter(w -> job.getMetadata().getUid().equals(KueueWorkloads.jobUid(w)))
            .toList();
    if (own.isEmpty()) {
      return PodsCannotRun.Admission.NO_WORKLOAD;
    }
    return own.stream().allMatch(KueueWorkloads::active)
        ? PodsCannotRun.Admission.WORKLOAD_EXISTS
        : PodsCannotRun.Admission.DEACTIVATED;
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }

  private static String eventTime(io.fabric8.kubernetes.api.model.Event event) {
    return java.util.Objects.requireNonNullElse(
        event.getLastTimestamp(),
        java.util.Objects.requireNonNullElse(event.getFirstTimestamp(), ""));
  }

  /**
   * The batch's Jobs from the cache; from the API server when the cache has none though status says
   * the run's Indexed Job was created (a Job just created may not be cached yet, and the decider
   * takes no Jobs at that point as "deleted").
   */
  /** Whether the process Job of the batch's current spec exists. */
  private static boolean processing(ImageBatch batch, Context<ImageBatch> context) {
    String hash = Run.hash(batch.getSpec(), context.getClient().getKubernetesSerialization());
    return context.getSecondaryResources(Job.class).stream()
        .filter(
            job -> Labels.label(job, Labels.COMPONENT).map(Labels.PROCESS::equals).orElse(false))
        .anyMatch(
            job -> Annotations.of(job, Annotations.SPEC_HASH).map(hash::equals).orElse(false));
  }

  private static List<Job> jobs(ImageBatch batch, Context<ImageBatch> context) {
    List<Job> cached = List.copyOf(context.getSecondaryResources(Job.class));
    ImageBatchStatus status = batch.getStatus();
    boolean started =
        status != null
            && !BatchDecider.terminal(status.phase())
            && status.shards() != null
            && status.shards().total() != null
            && status.shards().total() > 0;
    if (!cached.isEmpty() || !started) {
      return cached;
    }
    return context
        .getClient()
        .batch()
        .v1()
        .jobs()
        .inNamespace(batch.getMetadata().getNamespace())
        .withLabel(Labels.BATCH, batch.getMetadata().getName())
        .list()
        .getItems();
  }
}
