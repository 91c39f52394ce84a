package io.imagebatch.operator.workload;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * The operator's finalizer on runner pods (set in the pod template, so the Job controller creates
 * every pod with it): a pod cannot disappear, whoever deletes it (the pod garbage collector, a
 * node's removal, a person), before its summary is folded into the batch's status. The operator
 * removes it right after the status write that folds the pod, as the Job controller does with its
 * own tracking finalizer.
 */
public final class ShardResultFinalizer {
  public static final String NAME = "imagebatch.io/shard-result";

  private ShardResultFinalizer() {}

  public static boolean held(Pod pod) {
    List<String> finalizers = pod.getMetadata().getFinalizers();
    return finalizers != null && finalizers.contains(NAME);
  }
}
