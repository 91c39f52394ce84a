package io.imagebatch.operator.dependent;

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
  public static final String TOTAL_IMAGES = "imagebatch.io/total-images";
  public static final String MANIFEST = "imagebatch.io/manifest";

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
    annotations.put(TOTAL_IMAGES, Long.toString(plan.total()));
    if (plan.manifest() != null) {
      annotations.put(MANIFEST, plan.manifest());
    }
    return new JobBuilder()
        .withNewMetadata()
        .withName(name(run))
        .withNamespace(batch.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(annotations)
        .withOwnerReferences(Labels.owner(batch))
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
    return annotation(job, TOTAL_IMAGES).map(Long::parseLong).orElse(0L);
  }

  public static Optional<String> manifest(Job job) {
    return annotation(job, MANIFEST);
  }

  private static Optional<String> annotation(Job job, String key) {
    Map<String, String> annotations = job.getMetadata().getAnnotations();
    return Optional.ofNullable(annotations == null ? null : annotations.get(key));
  }
}
