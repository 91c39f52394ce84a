package io.imagebatch.operator.batch;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.imagebatch.operator.precondition.PersistentVolumeClaimsExist;
import io.imagebatch.operator.precondition.PodsCannotRun;
import io.imagebatch.operator.rollout.RunnerResolver;
import io.imagebatch.operator.status.IndexSet;
import io.imagebatch.operator.workload.Jobs;
import io.imagebatch.operator.workload.Labels;
import io.imagebatch.operator.workload.RunnerPodTemplate;
import io.imagebatch.operator.workload.SpecConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds a batch's {@link Observation}: the informers' caches (Jobs, pods and the spec ConfigMap by
 * label; claims and ImageRunners by name), and, only in the states that need them, a few reads the
 * caches cannot answer (the urlsFrom ConfigMap before the run starts, a Job's FailedCreate events
 * while it lacks pods, Kueue's Workload while a Job waits for admission).
 */
final class BatchObserver {
  private final InformerEventSource<PersistentVolumeClaim, ImageBatch> claims;
  private final InformerEventSource<ImageRunner, ImageBatch> runners;

  BatchObserver(
      InformerEventSource<PersistentVolumeClaim, ImageBatch> claims,
      InformerEventSource<ImageRunner, ImageBatch> runners) {
    this.claims = claims;
    this.runners = runners;
  }

  Observation observe(ImageBatch batch, Context<ImageBatch> context) {
    String namespace = batch.getMetadata().getNamespace();
    Set<String> presentClaims =
        PersistentVolumeClaimsExist.claims(batch).keySet().stream()
            .filter(name -> claims.get(new ResourceID(name, namespace)).isPresent())
            .collect(Collectors.toSet());
    // Users' ConfigMaps are not watched (that would cache every ConfigMap): one GET, only while the
    // run has not started.
    Optional<ConfigMap> urls =
        RunnerPodTemplate.urlsFrom(batch)
            .filter(ref -> context.getSecondaryResources(Job.class).isEmpty())
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
        admission(context.getClient(), batch, jobs),
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

  /** For a Job created suspended for Kueue and still suspended: does Kueue have its Workload? */
  private static Optional<PodsCannotRun.Admission> admission(
      KubernetesClient client, ImageBatch batch, List<Job> jobs) {
    if (Boolean.TRUE.equals(batch.getSpec().suspend()) || Jobs.queueName(batch).isEmpty()) {
      return Optional.empty();
    }
    Optional<Job> waiting =
        jobs.stream()
            .filter(j -> Boolean.TRUE.equals(j.getSpec().getSuspend()) && !Jobs.finished(j))
            .findFirst();
    if (waiting.isEmpty()) {
      return Optional.empty();
    }
    try {
      boolean found =
          !client
              .genericKubernetesResources("kueue.x-k8s.io/v1beta1", "Workload")
              .inNamespace(batch.getMetadata().getNamespace())
              .withLabel("kueue.x-k8s.io/job-uid", waiting.get().getMetadata().getUid())
              .list()
              .getItems()
              .isEmpty();
      return Optional.of(
          found ? PodsCannotRun.Admission.WORKLOAD_EXISTS : PodsCannotRun.Admission.NO_WORKLOAD);
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return Optional.of(PodsCannotRun.Admission.NO_KUEUE);
      }
      throw e;
    }
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
