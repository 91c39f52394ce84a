package io.imagebatch.operator.workload;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kueue's Workloads of a Job: read to tell whether Kueue saw a Job waiting for admission, and
 * written to pause and resume a Job that Kueue admits, the way Kueue supports it: through the
 * Workload's {@code spec.active}. Kueue owns a queued Job's {@code suspend} (it unsuspends an
 * admitted Job that anyone else suspends, and the admitted Workload keeps its quota); a deactivated
 * Workload is evicted, its Job suspended and its quota freed, and reactivating it queues it again.
 */
public final class KueueWorkloads {
  /** The label Kueue puts on the Workload it creates for a Job: the Job's UID. */
  static final String JOB_UID = "kueue.x-k8s.io/job-uid";

  /**
   * v1beta2 from Kueue 0.15 on; v1beta1 before (and still served by 0.17). Named in full, so the
   * client asks for them without API discovery: an unserved one is a 404, not a client error.
   */
  private static final List<ResourceDefinitionContext> VERSIONS =
      List.of(workloads("v1beta2"), workloads("v1beta1"));

  private KueueWorkloads() {}

  /**
   * The Workloads of {@code jobs} (all in one namespace), in one list; empty when this cluster
   * serves no Workload API.
   */
  public static Optional<List<GenericKubernetesResource>> of(
      KubernetesClient client, String namespace, List<Job> jobs) {
    return served(client, namespace, jobs).map(Served::workloads);
  }

  /** The UID of the Job a Workload was made for. */
  public static String jobUid(GenericKubernetesResource workload) {
    Map<String, String> labels = workload.getMetadata().getLabels();
    return labels == null ? null : labels.get(JOB_UID);
  }

  /** Whether a Workload is active: Kueue may admit it (spec.active, true unless set). */
  public static boolean active(GenericKubernetesResource workload) {
    Boolean active = workload.get("spec", "active");
    return active == null || active;
  }

  /** Sets {@code spec.active} of {@code job}'s Workloads; none (or no Kueue) is nothing to do. */
  public static void setActive(KubernetesClient client, Job job, boolean active) {
    String namespace = job.getMetadata().getNamespace();
    served(client, namespace, List.of(job))
        .ifPresent(
            served -> {
              for (GenericKubernetesResource workload : served.workloads()) {
                if (active(workload) != active) {
                  client
                      .genericKubernetesResources(served.version())
                      .inNamespace(namespace)
                      .withName(workload.getMetadata().getName())
                      .patch(
                          PatchContext.of(PatchType.JSON_MERGE),
                          "{\"spec\":{\"active\":" + active + "}}");
                }
              }
            });
  }

  /** Workloads as the first version this cluster serves has them. */
  private record Served(
      ResourceDefinitionContext version, List<GenericKubernetesResource> workloads) {}

  private static Optional<Served> served(
      KubernetesClient client, String namespace, List<Job> jobs) {
    String[] uids = jobs.stream().map(j -> j.getMetadata().getUid()).toArray(String[]::new);
    for (ResourceDefinitionContext version : VERSIONS) {
      try {
        return Optional.of(
            new Served(
                version,
                client
                    .genericKubernetesResources(version)
                    .inNamespace(namespace)
                    .withLabelIn(JOB_UID, uids)
                    .list()
                    .getItems()));
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
          throw e;
        }
        // this version is not served (or Kueue is not installed): try the next
      }
    }
    return Optional.empty();
  }

  private static ResourceDefinitionContext workloads(String version) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("kueue.x-k8s.io")
        .withVersion(version)
        .withKind("Workload")
        .withPlural("workloads")
        .withNamespaced(true)
        .build();
  }
}
