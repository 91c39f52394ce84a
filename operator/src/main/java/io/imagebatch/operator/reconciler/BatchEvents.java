package io.imagebatch.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.operator.event.Events;
import java.util.Set;

/** Kubernetes Events on the batch as its phase changes: Planning, Running, Succeeded, Failed. */
final class BatchEvents {
  private static final Set<Phase> ANNOUNCED =
      Set.of(Phase.Planning, Phase.Running, Phase.Succeeded, Phase.Failed);

  private BatchEvents() {}

  static void record(KubernetesClient client, ImageBatch batch, ImageBatchStatus status) {
    if (!ANNOUNCED.contains(status.phase())) {
      return;
    }
    String message =
        status.conditions() == null || status.conditions().isEmpty()
            ? status.phase().name()
            : status.conditions().get(0).getMessage();
    Events.record(
        client,
        batch,
        status.phase() == Phase.Failed ? Events.WARNING : Events.NORMAL,
        status.phase().name(),
        message);
  }
}
