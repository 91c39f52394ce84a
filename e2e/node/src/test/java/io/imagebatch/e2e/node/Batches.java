package io.imagebatch.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.e2e.controlplane.Kubectl;
import io.imagebatch.e2e.controlplane.KubectlResult;
import io.imagebatch.e2e.controlplane.TestNamespace;
import java.time.Duration;
import java.util.stream.Collectors;

/** Waiting for batches, and what to print when one does not end as expected. */
final class Batches {
  private Batches() {}

  static ImageBatch get(KubernetesClient client, TestNamespace namespace, String name) {
    return client.resources(ImageBatch.class).inNamespace(namespace.name()).withName(name).get();
  }

  /** Waits until the batch Succeeded or Failed, and returns it. */
  static ImageBatch awaitFinished(
      KubernetesClient client, TestNamespace namespace, String name, Duration limit) {
    await("ImageBatch " + name + " finished")
        .atMost(limit)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              ImageBatchStatus status = get(client, namespace, name).getStatus();
              return status != null
                  && (status.phase() == Phase.Succeeded || status.phase() == Phase.Failed);
            });
    return get(client, namespace, name);
  }

  /**
   * {@code kubectl wait --for=condition=Complete}, as a user waits; a batch that does not complete
   * fails the test with its status and every pod's exit and termination message.
   */
  static void awaitComplete(
      Kubectl kubectl, KubernetesClient client, TestNamespace namespace, String name) {
    KubectlResult wait =
        kubectl.run(
            "-n",
            namespace.name(),
            "wait",
            "--for=condition=Complete",
            "ib/" + name,
            "--timeout=15m");
    assertThat(wait.succeeded()).as(describe(client, namespace, name)).isTrue();
  }

  /** The batch's status and every runner pod's exit and termination message, for assertions. */
  static String describe(KubernetesClient client, TestNamespace namespace, String name) {
    ImageBatch batch = get(client, namespace, name);
    String pods =
        client.pods().inNamespace(namespace.name()).list().getItems().stream()
            .map(Batches::pod)
            .collect(Collectors.joining("\n"));
    return "status: " + (batch == null ? "(gone)" : batch.getStatus()) + "\npods:\n" + pods;
  }

  private static String pod(Pod pod) {
    StringBuilder text =
        new StringBuilder("  " + pod.getMetadata().getName() + " " + pod.getStatus().getPhase());
    if (pod.getStatus().getContainerStatuses() != null) {
      for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
        if (status.getState() != null && status.getState().getTerminated() != null) {
          text.append(" exit ")
              .append(status.getState().getTerminated().getExitCode())
              .append(" ")
              .append(status.getState().getTerminated().getReason())
              .append(": ")
              .append(status.getState().getTerminated().getMessage());
        } else if (status.getState() != null && status.getState().getWaiting() != null) {
          text.append(" waiting ")
              .append(status.getState().getWaiting().getReason())
              .append(": ")
              .append(status.getState().getWaiting().getMessage());
        }
      }
    }
    return text.toString();
  }
}
