package io.imagebatch.e2e.controlplane;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;

/** Small Job fixtures and queries shared by the proof tests. */
final class Jobs {

  private Jobs() {}

  /** An Indexed Job whose pods never restart in place, as the Job failure policies require. */
  static JobBuilder indexed(String name, int completions) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withCompletionMode("Indexed")
        .withCompletions(completions)
        .withParallelism(completions)
        .withNewTemplate()
        .withNewSpec()
        .withRestartPolicy("Never")
        .addNewContainer()
        .withName("work")
        .withImage("example.invalid/work:1")
        .withCommand("true")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec();
  }

  static Optional<JobCondition> condition(Job job, String type) {
    if (job == null || job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type) && c.getStatus().equals("True"))
        .findFirst();
  }

  static Job get(KubernetesClient client, String namespace, String name) {
    return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
  }

  static List<Pod> pods(KubernetesClient client, String namespace, String jobName) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabel("batch.kubernetes.io/job-name", jobName)
        .list()
        .getItems();
  }
}
