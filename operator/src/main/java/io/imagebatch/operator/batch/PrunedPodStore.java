package io.imagebatch.operator.batch;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * The Pod informer's store, holding only what the operator reads of a runner pod: its metadata
 * without managedFields, its status, and its containers' names and images. A batch of thousands of
 * shards keeps thousands of pods in this cache; most of a pod's bytes are its spec and managed
 * fields, which nothing here reads.
 */
final class PrunedPodStore extends BasicItemStore<Pod> {
  PrunedPodStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public Pod put(String key, Pod pod) {
    return super.put(key, pruned(pod));
  }

  static Pod pruned(Pod pod) {
    PodBuilder pruned =
        new PodBuilder()
            .withApiVersion(pod.getApiVersion())
            .withKind(pod.getKind())
            .withMetadata(pod.getMetadata())
            .withStatus(pod.getStatus());
    pruned.editMetadata().withManagedFields().endMetadata();
    if (pod.getSpec() != null && pod.getSpec().getContainers() != null) {
      pruned
          .withNewSpec()
          .withContainers(
              pod.getSpec().getContainers().stream()
                  .map(
                      c ->
                          new ContainerBuilder()
                              .withName(c.getName())
                              .withImage(c.getImage())
                              .build())
                  .toList())
          .endSpec();
    }
    return pruned.build();
  }
}
