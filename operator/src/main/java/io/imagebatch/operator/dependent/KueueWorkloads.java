package io.imagebatch.operator.dependent;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.HttpURLConnection;
import java.util.List;

/**
 * Pauses and resumes a Job that Kueue admits, the way Kueue supports it: through its Workload's
 * {@code spec.active}. Kueue owns a queued Job's {@code suspend} (it unsuspends an admitted Job
 * that anyone else suspends, and the admitted Workload keeps its quota); a deactivated Workload is
 * evicted, its Job suspended and its quota freed, and reactivating it queues it again.
 */
final class KueueWorkloads {
  /** The label Kueue puts on the Workload it creates for a Job: the Job's UID. */
  static final String JOB_UID = "kueue.x-k8s.io/job-uid";

  /**
   * v1beta2 from Kueue 0.15 on; v1beta1 before (and still served by 0.17). Named in full, so the
   * client asks for them without API discovery: an unserved one is a 404, not a client error.
   */
  private static final List<ResourceDefinitionContext> VERSIONS =
      List.of(workloads("v1beta2"), workloads("v1beta1"));

  private KueueWorkloads() {}

  /** Sets {@code spec.active} of {@code job}'s Workloads; none (or no Kueue) is nothing to do. */
  static void setActive(KubernetesClient client, Job job, boolean active) {
    String namespace = job.getMetadata().getNamespace();
    for (ResourceDefinitionContext version : VERSIONS) {
      List<GenericKubernetesResource> workloads;
      try {
        workloads =
            client
                .genericKubernetesResources(version)
                .inNamespace(namespace)
                .withLabel(JOB_UID, job.getMetadata().getUid())
                .list()
                .getItems();
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
          continue; // this version is not served (or Kueue is not installed)
        }
        throw e;
      }
      for (GenericKubernetesResource workload : workloads) {
        Boolean current = workload.get("spec", "active");
        if (!Boolean.valueOf(active).equals(current == null ? Boolean.TRUE : current)) {
          client
              .genericKubernetesResources(version)
              .inNamespace(namespace)
              .withName(workload.getMetadata().getName())
              .patch(
                  PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"active\":" + active + "}}");
        }
      }
      return;
    }
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
