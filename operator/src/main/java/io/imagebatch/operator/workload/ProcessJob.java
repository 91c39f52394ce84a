package io.imagebatch.operator.workload;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.imagebatch.api.contract.PlanSummary;
import io.imagebatch.api.v1alpha1.ExecutionSpec;
import io.imagebatch.api.v1alpha1.ImageBatch;
import java.util.Map;
import java.util.Optional;

/**
 * The processing Job {@code <batch>-g<generation>}: an Indexed Job whose pod N runs {@code process}
 * on shard N (JOB_COMPLETION_INDEX). The plan's totals ride along as annotations, so the status can
 * be rebuilt after the plan Job is gone.
 */
public final class ProcessJob {
  private ProcessJob() {}

  public static String name(Run run) {
    return run.name() + "-g" + run.generation();
  }

  public static Job desired(Run run, PlanSummary plan, PodSettings pod) {
    ImageBatch batch = run.batch();
    ExecutionSpec execution = Jobs.execution(batch);
    Map<String, String> labels = Labels.of(run, Labels.PROCESS);
    Jobs.queueName(batch).ifPresent(q -> labels.put(Labels.KUEUE_QUEUE, q));
    Map<String, String> annotations = Jobs.annotations(run, pod.runner());
    annotations.put(Annotations.TOTAL_IMAGES, Long.toString(plan.total()));
    if (plan.manifest() != null) {
      annotations.put(Annotations.MANIFEST, plan.manifest());
    }
    return new JobBuilder()
        .withNewMetadata()
        .withName(name(run))
        .withNamespace(batch.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(annotations)
        .withOwnerReferences(Owners.controller(batch))
        .endMetadata()
        .withNewSpec()
        .withCompletionMode("Indexed")
        .withCompletions(plan.shards())
        .withParallelism(Math.min(execution.parallelism(), plan.shards()))
        .withBackoffLimitPerIndex(execution.retriesPerShard())
        .withPodFailurePolicy(Jobs.podFailurePolicy())
        .withActiveDeadlineSeconds(execution.activeDeadlineSeconds())
        .withTtlSecondsAfterFinished(execution.ttlSecondsAfterFinished())
        .withSuspend(Jobs.createSuspended(batch))
        .withTemplate(RunnerPodTemplate.build(run, Labels.PROCESS, "process", pod))
        .endSpec()
        .build();
  }

  public static long totalImages(Job job) {
    return Annotations.of(job, Annotations.TOTAL_IMAGES).map(Long::parseLong).orElse(0L);
  }

  public static Optional<String> manifest(Job job) {
    return Annotations.of(job, Annotations.MANIFEST);
  }
}
