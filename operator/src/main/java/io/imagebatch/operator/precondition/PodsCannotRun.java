package io.imagebatch.operator.precondition;

import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Why a run's pods do not run, as the cluster reports it: the scheduler (PodScheduled=False,
 * Unschedulable), the kubelet (ErrImagePull, ImagePullBackOff), the Job controller (a FailedCreate
 * event, e.g. a ResourceQuota refusing pods) or Kueue (a Job created suspended and not admitted).
 * {@code stalled} says whether only a user can clear it.
 */
public final class PodsCannotRun {
  public static final String UNSCHEDULABLE = "Unschedulable";
  public static final String IMAGE_PULL_FAILED = "ImagePullFailed";
  public static final String WAITING_FOR_ADMISSION = "WaitingForAdmission";
  public static final String QUOTA_EXCEEDED = "QuotaExceeded";
  public static final String POD_CREATION_FAILED = "PodCreationFailed";

  /** How long a suspended Job may lack a Kueue Workload before status asks whether Kueue runs. */
  public static final Duration ADMISSION_GRACE = Duration.ofMinutes(2);

  private static final Set<String> PULL_ERRORS =
      Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");

  private PodsCannotRun() {}

  /**
   * @param stalled true when only a user can fix it (Stalled), false when it can clear by itself
   *     (Reconciling, waiting)
   */
  public record Trouble(String reason, String message, boolean stalled) {}

  /**
   * What Kueue has for a queued Job: its Workload, a Workload deactivated (spec.active false: the
   * batch was paused), none yet, or no Kueue API at all.
   */
  public enum Admission {
    WORKLOAD_EXISTS,
    DEACTIVATED,
    NO_WORKLOAD,
    NO_KUEUE
  }

  /** A pod that cannot pull its image, else one the scheduler cannot place. */
  public static Optional<Trouble> pods(Collection<Pod> pods) {
    List<Pod> sorted =
        pods.stream()
            .filter(p -> p.getStatus() != null && "Pending".equals(p.getStatus().getPhase()))
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
            .toList();
    Optional<Trouble> pull =
        sorted.stream()
            .flatMap(
                pod ->
                    waiting(pod)
                        .filter(w -> PULL_ERRORS.contains(w.getReason()))
                        .map(w -> pullFailed(pod, w)))
            .findFirst();
    if (pull.isPresent()) {
      return pull;
    }
    return sorted.stream()
        .flatMap(pod -> unschedulable(pod).map(c -> unschedulable(pod, c)).stream())
        .findFirst();
  }

  /**
   * The Job controller could not create the run's pods: its latest FailedCreate event, e.g. {@code
   * pods "b-g1-0-x" is forbidden: exceeded quota: compute, requested: limits.memory=2Gi, ...}.
   */
  public static Optional<Trouble> failedCreate(Job job, Optional<String> eventMessage) {
    return eventMessage.map(
        message -> {
          boolean quota = message.toLowerCase(Locale.ROOT).contains("exceeded quota");
          return new Trouble(
              quota ? QUOTA_EXCEEDED : POD_CREATION_FAILED,
              "the Job controller cannot create the pods of Job "
                  + job.getMetadata().getName()
                  + ": "
                  + shorten(message)
                  + (quota
                      ? "; raise the namespace's ResourceQuota, or lower spec.execution.resources"
                          + " or spec.execution.parallelism"
                      : ""),
              true);
        });
  }

  /** A Job Kueue has not admitted yet: waiting, and saying so when Kueue seems absent. */
  public static Trouble notAdmitted(Job job, String queue, Admission admission, Instant now) {
    String name = job.getMetadata().getName();
    String waiting = "Job " + name + " waits for Kueue to admit it (LocalQueue \"" + queue + "\")";
    return switch (admission) {
      case WORKLOAD_EXISTS, DEACTIVATED -> new Trouble(WAITING_FOR_ADMISSION, waiting, false);
      case NO_KUEUE ->
          new Trouble(
              WAITING_FOR_ADMISSION,
              waiting
                  + ", but this cluster has no Kueue API (workloads.kueue.x-k8s.io): install"
                  + " Kueue, or remove spec.execution.queueName",
              false);
      case NO_WORKLOAD -> {
        Instant created = Instant.parse(job.getMetadata().getCreationTimestamp());
        yield new Trouble(
            WAITING_FOR_ADMISSION,
            Duration.between(created, now).compareTo(ADMISSION_GRACE) < 0
                ? waiting
                : waiting
                    + ", but Kueue made no Workload for it in "
                    + ADMISSION_GRACE.toMinutes()
                    + " minutes: is Kueue running, and does LocalQueue \""
                    + queue
                    + "\" exist in this namespace?",
            false);
      }
    };
  }

  private static Trouble pullFailed(Pod pod, ContainerStateWaiting waiting) {
    String image =
        pod.getSpec() == null || pod.getSpec().getContainers() == null
            ? "its image"
            : pod.getSpec().getContainers().getFirst().getImage();
    return new Trouble(
        IMAGE_PULL_FAILED,
        "runner pod "
            + pod.getMetadata().getName()
            + " cannot pull "
            + image
            + " ("
            + waiting.getReason()
            + ": "
            + shorten(Objects.requireNonNullElse(waiting.getMessage(), ""))
            + "): fix the runner image (the ImageRunner's slot, or the operator's"
            + " imagebatch.runner.image) or the image pull credentials",
        true);
  }

  private static Trouble unschedulable(Pod pod, PodCondition condition) {
    return new Trouble(
        UNSCHEDULABLE,
        "runner pod "
            + pod.getMetadata().getName()
            + " cannot be scheduled: "
            + shorten(Objects.requireNonNullElse(condition.getMessage(), ""))
            + "; it waits for capacity (check spec.execution.resources, nodeSelector,"
            + " tolerations and affinity)",
        false);
  }

  private static Optional<PodCondition> unschedulable(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
        .filter(c -> UNSCHEDULABLE.equals(c.getReason()))
        .findFirst();
  }

  private static Stream<ContainerStateWaiting> waiting(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Stream.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .map(ContainerStatus::getState)
        .filter(Objects::nonNull)
        .map(s -> s.getWaiting())
        .filter(Objects::nonNull);
  }

  private static String shorten(String text) {
    String flat = text.strip().replaceAll("\\s+", " ");
    return flat.length() <= 300 ? flat : flat.substring(0, 297) + "...";
  }
}
