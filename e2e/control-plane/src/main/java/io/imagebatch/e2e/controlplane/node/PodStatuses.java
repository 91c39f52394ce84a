package io.imagebatch.e2e.controlplane.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Pod statuses shaped like a kubelet's, so controllers read them as they would in a cluster. */
final class PodStatuses {

  private static final String HOST_IP = "127.0.0.1";

  private PodStatuses() {}

  static PodStatus running(Pod pod, String podIp) {
    String now = now();
    List<ContainerStatus> containers =
        pod.getSpec().getContainers().stream()
            .map(
                c ->
                    base(pod, c)
                        .withReady(true)
                        .withStarted(true)
                        .withNewState()
                        .withNewRunning(now)
                        .endState()
                        .build())
            .toList();
    return started("Running", podIp, now, true, containers);
  }

  /**
   * Scheduled but not started: every container waits with {@code reason} and {@code message}, as a
   * kubelet reports a container it cannot create (phase Pending, e.g. {@code
   * CreateContainerConfigError} with {@code secret "s3-creds" not found}).
   */
  static PodStatus waiting(Pod pod, String podIp, String reason, String message) {
    String now = now();
    List<ContainerStatus> containers =
        pod.getSpec().getContainers().stream()
            .map(
                c ->
                    base(pod, c)
                        .withContainerID(null)
                        .withReady(false)
                        .withStarted(false)
                        .withNewState()
                        .withNewWaiting()
                        .withReason(reason)
                        .withMessage(message)
                        .endWaiting()
                        .endState()
                        .build())
            .toList();
    return started("Pending", podIp, now, false, containers);
  }

  /** A pod on the node, scheduled and initialised, its containers ready or not. */
  private static PodStatus started(
      String phase, String podIp, String now, boolean ready, List<ContainerStatus> containers) {
    String status = ready ? "True" : "False";
    String reason = ready ? null : "ContainersNotReady";
    return new PodStatusBuilder()
        .withPhase(phase)
        .withHostIP(HOST_IP)
        .withPodIP(podIp)
        .withPodIPs(new PodIP(podIp))
        .withStartTime(now)
        .withConditions(
            condition("PodScheduled", "True", null),
            condition("Initialized", "True", null),
            condition("ContainersReady", status, reason),
            condition("Ready", status, reason))
        .withContainerStatuses(containers)
        .build();
  }

  /**
   * The first container ends with {@code outcome}; any others end with the same exit code, since
   * the simulator models one container per pod.
   */
  static PodStatus terminated(Pod pod, Outcome outcome) {
    String now = now();
    PodStatus current = pod.getStatus();
    String started =
        current != null && current.getStartTime() != null ? current.getStartTime() : now;
    List<ContainerStatus> containers =
        pod.getSpec().getContainers().stream()
            .map(
                c ->
                    base(pod, c)
                        .withReady(false)
                        .withStarted(false)
                        .withNewState()
                        .withNewTerminated()
                        .withContainerID(containerId(pod, c))
                        .withExitCode(outcome.exitCode())
                        .withReason(outcome.reason())
                        .withMessage(outcome.message().isEmpty() ? null : outcome.message())
                        .withStartedAt(started)
                        .withFinishedAt(now)
                        .endTerminated()
                        .endState()
                        .build())
            .toList();
    return new PodStatusBuilder(current == null ? new PodStatus() : current)
        .withPhase(outcome.phase())
        .withConditions(
            condition("PodScheduled", "True", null),
            condition("Initialized", "True", null),
            condition("ContainersReady", "False", "PodCompleted"),
            condition("Ready", "False", "PodCompleted"))
        .withContainerStatuses(containers)
        .build();
  }

  private static ContainerStatusBuilder base(Pod pod, Container container) {
    return new ContainerStatusBuilder()
        .withName(container.getName())
        .withImage(container.getImage())
        .withImageID("")
        .withContainerID(containerId(pod, container))
        .withRestartCount(0);
  }

  private static String containerId(Pod pod, Container container) {
    return "simulator://" + pod.getMetadata().getUid() + "/" + container.getName();
  }

  private static PodCondition condition(String type, String status, String reason) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withLastTransitionTime(now())
        .build();
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
