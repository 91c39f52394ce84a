package io.imagebatch.operator.dependent;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.imagebatch.api.contract.ExitCode;
import io.imagebatch.api.v1alpha1.ExecutionSpec;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.PinnedRunner;
import java.net.HttpURLConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What the plan and the processing Job have in common: creation, suspension, conditions. */
public final class Jobs {
  private Jobs() {}

  /**
   * Exit 3 fails the Job at once; exit 4 (and any other failure, OOMKilled included) counts against
   * the retries; a disruption (eviction, preemption, node drain) is not the shard's fault.
   */
  static PodFailurePolicy podFailurePolicy() {
    return new PodFailurePolicyBuilder()
        .addNewRule()
        .withAction("FailJob")
        .withNewOnExitCodes()
        .withContainerName(RunnerPodTemplate.CONTAINER)
        .withOperator("In")
        .withValues(ExitCode.INVALID_CONFIGURATION.code())
        .endOnExitCodes()
        .endRule()
        .addNewRule()
        .withAction("Count")
        .withNewOnExitCodes()
        .withContainerName(RunnerPodTemplate.CONTAINER)
        .withOperator("In")
        .withValues(ExitCode.STORAGE_UNREACHABLE.code())
        .endOnExitCodes()
        .endRule()
        .addNewRule()
        .withAction("Ignore")
        .addNewOnPodCondition()
        .withType("DisruptionTarget")
        .withStatus("True")
        .endOnPodCondition()
        .endRule()
        .build();
  }

  /** Jobs start suspended when the batch is suspended or Kueue admits them. */
  static boolean createSuspended(ImageBatch batch) {
    return Boolean.TRUE.equals(batch.getSpec().suspend()) || queueName(batch).isPresent();
  }

  static Optional<String> queueName(ImageBatch batch) {
    return Optional.ofNullable(RunnerPodTemplate.execution(batch).queueName())
        .filter(q -> !q.isBlank());
  }

  static ExecutionSpec execution(ImageBatch batch) {
    return RunnerPodTemplate.execution(batch);
  }

  /** Creates {@code job}; one that already exists (a racing reconciliation) is fine. */
  public static void create(KubernetesClient client, Job job) {
    try {
      client.resource(job).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
  }

  /**
   * Pauses or resumes {@code job} to follow spec.suspend. With a Kueue queue, Kueue owns the Job's
   * suspend field, so the batch pauses and resumes through the Job's Workload (KueueWorkloads).
   */
  public static void syncSuspend(ImageBatch batch, Job job, KubernetesClient client) {
    boolean wanted = Boolean.TRUE.equals(batch.getSpec().suspend());
    if (finished(job)) {
      return;
    }
    if (queueName(batch).isPresent()) {
      // A resumed batch only looks when its Job is suspended (waiting, or deactivated by us).
      if (wanted || Boolean.TRUE.equals(job.getSpec().getSuspend())) {
        KueueWorkloads.setActive(client, job, !wanted);
      }
      return;
    }
    if (wanted != Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      setSuspend(client, job, wanted);
    }
  }

  /** Suspends (its pods are deleted) or resumes a Job. */
  public static void setSuspend(KubernetesClient client, Job job, boolean suspend) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName())
        .edit(
            j -> {
              j.getSpec().setSuspend(suspend);
              return j;
            });
  }

  public static Optional<JobCondition> condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  public static boolean complete(Job job) {
    return condition(job, "Complete").isPresent();
  }

  public static boolean failed(Job job) {
    return condition(job, "Failed").isPresent();
  }

  public static boolean finished(Job job) {
    return complete(job) || failed(job);
  }

  /** The run's spec hash and the runner the image came from. */
  static Map<String, String> annotations(Run run, PinnedRunner runner) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(Run.SPEC_HASH, run.specHash());
    annotations.put(Labels.RUNNER_NAME, Objects.requireNonNullElse(runner.name(), ""));
    annotations.put(Labels.RUNNER_COLOR, Objects.requireNonNullElse(runner.color(), ""));
    return annotations;
  }

  public static boolean isNamed(Job job, String name) {
    return Objects.equals(job.getMetadata().getName(), name);
  }
}
