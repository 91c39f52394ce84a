package io.imagebatch.operator.batch;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An informer's store that holds only what the operator reads of each object: metadata without
 * managedFields, status, and the few spec fields the observer and decider use. Thousands of shards
 * keep thousands of pods in the Pod informer's cache, and thousands of batches thousands of Jobs in
 * the Job informer's; most of their bytes are pod templates, specs and managed fields, which
 * nothing here reads. Unpruned, 5,000 batches ran the packaged operator out of a 128 MiB heap (the
 * default in a pod with the chart's 512Mi limit). Writes never start from a cached object
 * (suspending a Job reads it afresh), so nothing pruned is ever written back.
 */
final class PrunedStore<T extends HasMetadata> extends BasicItemStore<T> {
  private final UnaryOperator<T> prune;

  private PrunedStore(UnaryOperator<T> prune) {
    super(Cache::metaNamespaceKeyFunc);
    this.prune = prune;
  }

  static PrunedStore<Pod> pods() {
    return new PrunedStore<>(PrunedStore::pruned);
  }

  static PrunedStore<Job> jobs() {
    return new PrunedStore<>(PrunedStore::pruned);
  }

  /** A ConfigMap without its managedFields (the data is the run's spec, which the runner reads). */
  static PrunedStore<ConfigMap> configMaps() {
    return new PrunedStore<>(
        configMap -> {
          configMap.getMetadata().setManagedFields(null);
          return configMap;
        });
  }

  @Override
  public T put(String key, T item) {
    return super.put(key, prune.apply(item));
  }

  /** A pod's metadata, status, and its containers' names and images. */
  static Pod pruned(Pod pod) {
    PodBuilder pruned =
        new PodBuilder()
            .withApiVersion(pod.getApiVersion())
            .withKind(pod.getKind())
            .withMetadata(pod.getMetadata())
            .withStatus(pod.getStatus());
    pruned.editMetadata().withManagedFields().endMetadata();
    if (pod.getSpec() != null) {
      pruned.withSpec(containersOnly(pod.getSpec()));
    }
    return pruned.build();
  }

  /**
   * A Job's metadata, status, suspend, completions and parallelism, and its pod template's
   * containers' names and images (the runner a run was created with).
   */
  static Job pruned(Job job) {
    JobBuilder pruned =
        new JobBuilder()
            .withApiVersion(job.getApiVersion())
            .withKind(job.getKind())
            .withMetadata(job.getMetadata())
            .withStatus(job.getStatus());
    pruned.editMetadata().withManagedFields().endMetadata();
    JobSpec spec = job.getSpec();
    if (spec != null) {
      pruned
          .withNewSpec()
          .withSuspend(spec.getSuspend())
          .withCompletions(spec.getCompletions())
          .withParallelism(spec.getParallelism())
          .withCompletionMode(spec.getCompletionMode())
          .withNewTemplate()
          .withSpec(
              spec.getTemplate() == null || spec.getTemplate().getSpec() == null
                  ? null
                  : containersOnly(spec.getTemplate().getSpec()))
          .endTemplate()
          .endSpec();
    }
    return pruned.build();
  }

  private static PodSpec containersOnly(PodSpec spec) {
    List<Container> containers =
        spec.getContainers() == null
            ? List.of()
            : spec.getContainers().stream()
                .map(
                    c ->
                        new ContainerBuilder()
                            .withName(c.getName())
                            .withImage(c.getImage())
                            .build())
                .toList();
    PodSpec pruned = new PodSpec();
    pruned.setContainers(containers);
    return pruned;
  }
}
