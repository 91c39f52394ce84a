package io.imagebatch.operator.event;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Records Kubernetes Events on the operator's resources. An event that cannot be written is logged,
 * never fatal: events are for people, status is the record.
 */
public final class Events {
  private static final System.Logger LOG = System.getLogger(Events.class.getName());
  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";

  private Events() {}

  public static void record(
      KubernetesClient client, HasMetadata about, String type, String reason, String message) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    String namespace = about.getMetadata().getNamespace();
    try {
      client
          .v1()
          .events()
          .inNamespace(namespace)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withGenerateName(about.getMetadata().getName() + ".")
                  .withNamespace(namespace)
                  .endMetadata()
                  .withInvolvedObject(
                      new ObjectReferenceBuilder()
                          .withApiVersion(about.getApiVersion())
                          .withKind(about.getKind())
                          .withName(about.getMetadata().getName())
                          .withNamespace(namespace)
                          .withUid(about.getMetadata().getUid())
                          .withResourceVersion(about.getMetadata().getResourceVersion())
                          .build())
                  .withReason(reason)
                  .withMessage(message)
                  .withType(type)
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
