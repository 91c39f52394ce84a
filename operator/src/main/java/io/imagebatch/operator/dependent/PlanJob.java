package io.imagebatch.operator.dependent;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.imagebatch.api.v1alpha1.ExecutionSpec;
import io.imagebatch.api.v1alpha1.ImageBatch;
import java.util.Map;

/**
 * The planning Job {@code <batch>-plan-g<generation>}: one pod runs {@code plan}, lists the source
 * and writes the shard plan next to the manifest; its termination message says how many images and
 * shards there are.
 */
public final class PlanJob {
  private PlanJob() {}

  public static String name(Run run) {
    return run.name() + "-plan-g" + run.generation();
  }

  public static Job desired(Run run, PodSettings pod) {
    ImageBatch batch = run.batch();
    ExecutionSpec execution = Jobs.execution(batch);
    Map<String, String> labels = Labels.of(run, Labels.PLAN);
    Jobs.queueName(batch).ifPresent(q -> labels.put(Labels.KUEUE_QUEUE, q));
    return new JobBuilder()
        .withNewMetadata()
        .withName(name(run))
        .withNamespace(batch.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(Jobs.annotations(run, pod.runner()))
        .withOwnerReferences(Labels.owner(batch))
        .endMetadata()
        .withNewSpec()
        .withCompletions(1)
        .withParallelism(1)
        .withBackoffLimit(execution.retriesPerShard())
        .withPodFailurePolicy(Jobs.podFailurePolicy())
        .withActiveDeadlineSeconds(execution.activeDeadlineSeconds())
        .withTtlSecondsAfterFinished(execution.ttlSecondsAfterFinished())
        .withSuspend(Jobs.createSuspended(batch))
        .withTemplate(RunnerPodTemplate.build(run, Labels.PLAN, "plan", pod))
        .endSpec()
        .build();
  }
}
