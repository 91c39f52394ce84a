package io.imagebatch.operator.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobFluent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.imagebatch.api.SchemaDefaults;
import io.imagebatch.api.contract.ShardSummary;
import io.imagebatch.api.contract.TerminationMessage;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchSpec;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.imagebatch.operator.config.RunnerSettings;
import io.imagebatch.operator.workload.Labels;
import io.imagebatch.operator.workload.RunnerPodTemplate;
import io.imagebatch.operator.workload.ShardResultFinalizer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A batch's world for {@link BatchDecider} unit tests: the batch (with the schema's defaults, as
 * the API server stores it), its Jobs and pods as the Job controller and a kubelet would leave
 * them.
 */
final class BatchFixtures {
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  static final RunnerSettings SETTINGS =
      RunnerSettings.of(
          "registry.example.com/runner:default",
          Map.of("cpu", "1"),
          Map.of("memory", "2Gi"),
          Duration.ofSeconds(15));
  static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

  /** When finished Jobs completed: well before NOW, past the grace for their pods' summaries. */
  static final Instant COMPLETED = NOW.minusSeconds(60);

  static final String S3 =
      """
      source: { s3: { bucket: raw, credentialsSecret: s3-credentials } }
      variants: [ { name: thumb, width: 400, formats: [webp] } ]
      output: { s3: { bucket: derived, credentialsSecret: s3-credentials } }
      """;

  private BatchFixtures() {}

  /** A batch as stored: the spec YAML with the schema's defaults applied. */
  static ImageBatch batch(String spec, long generation) {
    ObjectMapper yaml = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    try {
      ObjectNode node = (ObjectNode) yaml.readTree(spec);
      new SchemaDefaults(yaml).apply(node, ImageBatchSpec.class);
      ImageBatch batch = new ImageBatch();
      batch.setMetadata(
          new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
              .withName("b")
              .withNamespace("shop")
              .withUid("uid-b")
              .withGeneration(generation)
              .build());
      batch.setSpec(yaml.treeToValue(node, ImageBatchSpec.class));
      return batch;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static ImageBatch withStatus(ImageBatch batch, ImageBatchStatus status) {
    ImageBatch copy = SERIALIZATION.clone(batch);
    copy.setStatus(status);
    return copy;
  }

  static World world(ImageBatch batch) {
    return new World(batch);
  }

  /** What the operator would observe; each method returns a changed copy. */
  static final class World {
    ImageBatch batch;
    final List<Job> jobs = new ArrayList<>();
    final List<Pod> pods = new ArrayList<>();
    Optional<ConfigMap> specConfigMap = Optional.empty();
    Set<String> claims = Set.of();
    Optional<ConfigMap> urls = Optional.empty();
    Optional<ImageRunner> runner = Optional.empty();
    Optional<String> failedCreate = Optional.empty();

    /** What Kueue has for every Job of the world, as the observer reads it (empty: not read). */
    Optional<io.imagebatch.operator.precondition.PodsCannotRun.Admission> admission =
        Optional.empty();

    World(ImageBatch batch) {
      this.batch = batch;
    }

    Observation observation() {
      return new Observation(
          batch,
          List.copyOf(jobs),
          List.copyOf(pods),
          specConfigMap,
          claims,
          urls,
          runner,
          failedCreate,
          admission
              .map(
                  a ->
                      jobs.stream()
                          .collect(
                              java.util.stream.Collectors.toMap(
                                  j -> j.getMetadata().getName(), j -> a)))
              .orElse(Map.of()),
          NOW);
    }

    Decision decide() {
      return new BatchDecider(SETTINGS, SERIALIZATION).decide(observation());
    }

    /** Decides, then stores the status and carries out the creations as the API server would. */
    Decision step() {
      Decision decision = decide();
      for (Action action : decision.actions()) {
        switch (action) {
          case Action.ApplySpecConfigMap(var desired, var exists) ->
              specConfigMap = Optional.of(desired);
          case Action.CreateJob(var job) -> jobs.add(created(job));
          case Action.DeleteJob(var job) -> jobs.remove(job);
          case Action.SuspendJob(var job, var suspend) -> {
            jobs.remove(job);
            Job copy = SERIALIZATION.clone(job);
            copy.getSpec().setSuspend(suspend);
            jobs.add(copy);
          }
          case Action.SetWorkloadsActive(var job, var active) -> {} // Kueue's to carry out
        }
      }
      batch = withStatus(batch, decision.status());
      for (Pod pod : decision.release()) {
        pods.remove(pod);
        Pod released = SERIALIZATION.clone(pod);
        released.getMetadata().getFinalizers().remove(ShardResultFinalizer.NAME);
        pods.add(released);
      }
      return decision;
    }

    /** The pod as the world holds it now (after releases). */
    Pod podNamed(String name) {
      return pods.stream()
          .filter(p -> p.getMetadata().getName().equals(name))
          .findFirst()
          .orElseThrow();
    }

    Job job(String name) {
      return jobs.stream()
          .filter(j -> j.getMetadata().getName().equals(name))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no Job " + name + " in " + jobs));
    }

    /** Kueue admits a queued Job: it unsuspends it. */
    void admit(String name) {
      Job job = job(name);
      jobs.remove(job);
      jobs.add(new JobBuilder(job).editSpec().withSuspend(false).endSpec().build());
    }

    /** The Job controller's verdict on a Job. */
    void finish(String name, String type, String reason, String message, String completed) {
      updateStatus(
          name,
          status ->
              status
                  .withCompletedIndexes(completed)
                  .withCompletionTime("Complete".equals(type) ? COMPLETED.toString() : null)
                  .addNewCondition()
                  .withType(type)
                  .withStatus("True")
                  .withReason(reason)
                  .withMessage(message)
                  .endCondition());
    }

    void progress(String name, String completed, String failed, int active) {
      updateStatus(
          name,
          status ->
              status.withCompletedIndexes(completed).withFailedIndexes(failed).withActive(active));
    }

    /**
     * Replaces a Job with a copy whose status {@code change} edited, as the Job controller does.
     */
    private void updateStatus(
        String name,
        java.util.function.UnaryOperator<JobFluent<JobBuilder>.StatusNested<JobBuilder>> change) {
      Job job = job(name);
      jobs.remove(job);
      jobs.add(change.apply(new JobBuilder(job).editOrNewStatus()).endStatus().build());
    }

    /** A pod of {@code job} that ended with {@code message} as its termination message. */
    void pod(String job, Integer index, String phase, String message) {
      PodBuilder pod =
          runnerPod(job, job + "-" + index + "-" + pods.size(), phase)
              .editStatus()
              .editFirstContainerStatus()
              .withNewState()
              .withNewTerminated()
              .withExitCode("Succeeded".equals(phase) ? 0 : 1)
              .withMessage(message)
              .endTerminated()
              .endState()
              .endContainerStatus()
              .endStatus();
      if (index != null) {
        pod.editMetadata()
            .addToAnnotations(Labels.COMPLETION_INDEX, index.toString())
            .endMetadata();
      }
      pods.add(pod.build());
    }

    /** A pod of {@code job} waiting to start, as a kubelet reports it. */
    void waitingPod(String job, String reason, String message) {
      pods.add(
          runnerPod(job, job + "-waiting-" + pods.size(), "Pending")
              .editStatus()
              .editFirstContainerStatus()
              .withNewState()
              .withNewWaiting()
              .withReason(reason)
              .withMessage(message)
              .endWaiting()
              .endState()
              .endContainerStatus()
              .endStatus()
              .build());
    }

    /** A runner pod as the Job controller creates it from {@code job}'s template. */
    private PodBuilder runnerPod(String job, String name, String phase) {
      Job owner = job(job);
      return new PodBuilder()
          .withNewMetadata()
          .withName(name)
          .withNamespace("shop")
          .withCreationTimestamp("2026-11-27T11:0" + pods.size() % 10 + ":00Z")
          .withLabels(owner.getSpec().getTemplate().getMetadata().getLabels())
          .withFinalizers(owner.getSpec().getTemplate().getMetadata().getFinalizers())
          .endMetadata()
          .withNewStatus()
          .withPhase(phase)
          .addNewContainerStatus()
          .withName(RunnerPodTemplate.CONTAINER)
          .endContainerStatus()
          .endStatus();
    }
  }

  /** A Job as the API server returns it: with its creation time. */
  static Job created(Job job) {
    return new JobBuilder(job)
        .editMetadata()
        .withCreationTimestamp("2026-11-27T11:00:00Z")
        .endMetadata()
        .build();
  }

  static String shard(int index, long total, long failed) {
    return TerminationMessage.encode(
        new ShardSummary(
            index,
            new ShardSummary.Images(total, total - failed, failed, 0),
            new ShardSummary.Variants((total - failed) * 2, 1000, 100),
            failed == 0
                ? List.of()
                : List.of(new ShardSummary.Failure("in/" + index + ".jpg", "CorruptInput", "bad")),
            failed > 1));
  }
}
