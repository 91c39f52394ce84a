package io.imagebatch.operator.precondition;

import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.S3Location;
import io.imagebatch.operator.precondition.KubeletSecretMessage.MissingSecret;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Secret the batch's runner pods need is missing, as their kubelet reports it: a container
 * waiting with {@code CreateContainerConfigError} and a "secret not found" / "couldn't find key"
 * message. Unlike the other preconditions this is observed after the Jobs exist, from their pods,
 * because the operator holds no RBAC on Secrets and never reads them.
 */
public final class SecretsMissing {
  public static final String SECRET_NOT_FOUND = "SecretNotFound";
  public static final String SECRET_KEY_NOT_FOUND = "SecretKeyNotFound";

  private SecretsMissing() {}

  /** What to create, when one of {@code pods} waits for a missing Secret or key. */
  public static Optional<Unmet> check(ImageBatch batch, Collection<Pod> pods) {
    return pods.stream()
        .filter(p -> p.getStatus() != null && "Pending".equals(p.getStatus().getPhase()))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .flatMap(SecretsMissing::waiting)
        .filter(w -> KubeletSecretMessage.CREATE_CONTAINER_CONFIG_ERROR.equals(w.getReason()))
        .map(w -> KubeletSecretMessage.parse(w.getMessage()))
        .flatMap(Optional::stream)
        .findFirst()
        .map(missing -> unmet(batch, missing));
  }

  private static Stream<ContainerStateWaiting> waiting(Pod pod) {
    if (pod.getStatus() == null || pod.getMetadata().getDeletionTimestamp() != null) {
      return Stream.empty();
    }
    List<ContainerStatus> statuses = new ArrayList<>();
    if (pod.getStatus().getInitContainerStatuses() != null) {
      statuses.addAll(pod.getStatus().getInitContainerStatuses());
    }
    if (pod.getStatus().getContainerStatuses() != null) {
      statuses.addAll(pod.getStatus().getContainerStatuses());
    }
    return statuses.stream()
        .map(ContainerStatus::getState)
        .filter(Objects::nonNull)
        .map(s -> s.getWaiting())
        .filter(Objects::nonNull);
  }

  private static Unmet unmet(ImageBatch batch, MissingSecret missing) {
    String namespace = missing.namespace().orElse(batch.getMetadata().getNamespace());
    String fields = fieldsNaming(batch, missing.name());
    String secret = "Secret \"" + missing.name() + "\" (" + fields + ")";
    String keys =
        "keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (AWS_SESSION_TOKEN is optional)";
    String waiting =
        "; the runner pods wait with "
            + KubeletSecretMessage.CREATE_CONTAINER_CONFIG_ERROR
            + " and start once it exists";
    if (missing.key().isPresent()) {
      return new Unmet(
          SECRET_KEY_NOT_FOUND,
          secret
              + " in namespace \""
              + namespace
              + "\" has no key \""
              + missing.key().get()
              + "\": add key "
              + missing.key().get()
              + " to it (it needs "
              + keys
              + ")"
              + waiting);
    }
    return new Unmet(
        SECRET_NOT_FOUND,
        secret
            + " not found in namespace \""
            + namespace
            + "\": create it with "
            + keys
            + (fields.startsWith("spec.") ? ", or change " + fields : "")
            + waiting);
  }

  /** The spec fields that name this Secret, for the message. */
  private static String fieldsNaming(ImageBatch batch, String name) {
    List<String> fields = new ArrayList<>();
    if (batch.getSpec().source() != null && names(batch.getSpec().source().s3(), name)) {
      fields.add("spec.source.s3.credentialsSecret");
    }
    if (batch.getSpec().output() != null && names(batch.getSpec().output().s3(), name)) {
      fields.add("spec.output.s3.credentialsSecret");
    }
    return fields.isEmpty() ? "referenced by the runner pods" : String.join(" and ", fields);
  }

  private static boolean names(S3Location s3, String name) {
    return s3 != null && name.equals(s3.credentialsSecret());
  }
}
