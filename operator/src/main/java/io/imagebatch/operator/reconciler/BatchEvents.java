package io.imagebatch.operator.reconciler;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/** Kubernetes Events on the batch as its phase changes: Planning, Running, Succeeded, Failed. */
final class BatchEvents {
  private static final System.Logger LOG = System.getLogger(BatchEvents.class.getName());
  private static final Set<Phase> ANNOUNCED =
      Set.of(Phase.Planning, Phase.Running, Phase.Succeeded, Phase.Failed);

  private BatchEvents() {}

  static void record(KubernetesClient client, ImageBatch batch, ImageBatchStatus status) {
    if (!ANNOUNCED.contains(status.phase())) {
      return;
    }
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    String message =
        status.conditions() == null || status.conditions().isEmpty()
            ? status.phase().name()
            : status.conditions().get(0).getMessage();
    try {
      client
          .v1()
          .events()
          .inNamespace(batch.getMetadata().getNamespace())
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withGenerateName(batch.getMetadata().getName() + ".")
                  .withNamespace(batch.getMetadata().getNamespace())
                  .endMetadata()
                  .withInvolvedObject(
                      new ObjectReferenceBuilder()
                          .withApiVersion(batch.getApiVersion())
                          .withKind(batch.getKind())
                          .withName(batch.getMetadata().getName())
                          .withNamespace(batch.getMetadata().getNamespace())
                          .withUid(batch.getMetadata().getUid())
                          .withResourceVersion(batch.getMetadata().getResourceVersion())
                          .build())
                  .withReason(status.phase().name())
                  .withMessage(message)
                  .withType(status.phase() == Phase.Failed ? "Warning" : "Normal")
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource()
                  .withComponent("imagebatch-operator")
                  .endSource()
                  .withReportingComponent("imagebatch-operator")
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      LOG.log(System.Logger.Level.WARNING, "could not record event: " + e.getMessage());
    }
  }
}
