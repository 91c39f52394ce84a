package io.imagebatch.e2e.controlplane.node;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A pod the simulator has bound and marked Running, handed to a {@link PodBehavior}.
 *
 * @param scratch a fresh directory for this pod, deleted when the simulator closes
 */
public record RunningPod(Pod pod, KubernetesClient client, Path scratch) {

  static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

  public String name() {
    return pod.getMetadata().getName();
  }

  public String namespace() {
    return pod.getMetadata().getNamespace();
  }

  public Map<String, String> labels() {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  /** The completion index of a pod of an Indexed Job. */
  public Optional<Integer> completionIndex() {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    return Optional.ofNullable(annotations).map(a -> a.get(COMPLETION_INDEX)).map(Integer::valueOf);
  }
}
