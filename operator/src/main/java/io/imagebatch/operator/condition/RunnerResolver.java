package io.imagebatch.operator.condition;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.PinnedRunner;
import io.imagebatch.operator.config.RunnerSettings;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the runner image and default resources for a batch: the ImageRunner {@code spec.runner} in
 * the batch's namespace (its active colour's image), else, for the name "default", the operator's
 * own default image. A batch naming another ImageRunner that does not exist waits (Stalled).
 *
 * <p>The ImageRunner kind itself is a later issue; this reads it as a generic resource, so the
 * operator works whether or not its CRD is installed. This class is the seam to replace with a
 * typed model and an informer.
 */
public final class RunnerResolver {
  public static final String DEFAULT_NAME = "default";
  static final ResourceDefinitionContext IMAGE_RUNNERS =
      new ResourceDefinitionContext.Builder()
          .withGroup("imagebatch.io")
          .withVersion("v1alpha1")
          .withKind("ImageRunner")
          .withPlural("imagerunners")
          .withNamespaced(true)
          .build();

  private final RunnerSettings settings;

  public RunnerResolver(RunnerSettings settings) {
    this.settings = settings;
  }

  /** Either a runner or what is missing. */
  public sealed interface Resolution {}

  /**
   * @param note said in status/events when the operator's default is used
   */
  public record Resolved(PinnedRunner runner, Optional<ResourceRequirements> defaults, String note)
      implements Resolution {}

  public record Missing(Precondition.Unmet unmet) implements Resolution {}

  public Resolution resolve(ImageBatch batch, KubernetesClient client) {
    String name =
        batch.getSpec().runner() == null || batch.getSpec().runner().isBlank()
            ? DEFAULT_NAME
            : batch.getSpec().runner();
    String namespace = batch.getMetadata().getNamespace();
    Optional<GenericKubernetesResource> found = find(client, namespace, name);
    if (found.isPresent()) {
      Optional<Resolved> resolved = fromImageRunner(found.get(), name, client);
      if (resolved.isPresent()) {
        return resolved.get();
      }
      return new Missing(
          new Precondition.Unmet(
              "ImageRunnerNotReady",
              "ImageRunner \"" + name + "\" has no image for its active colour yet"));
    }
    if (DEFAULT_NAME.equals(name)) {
      return new Resolved(
          new PinnedRunner("", "", settings.image()),
          Optional.empty(),
          "no ImageRunner \"default\" in namespace \""
              + namespace
              + "\": using the operator's default image "
              + settings.image());
    }
    return new Missing(
        new Precondition.Unmet(
            "ImageRunnerNotFound",
            "ImageRunner \""
                + name
                + "\" (spec.runner) not found in namespace \""
                + namespace
                + "\": create it, or set spec.runner to an existing ImageRunner"));
  }

  private static Optional<GenericKubernetesResource> find(
      KubernetesClient client, String namespace, String name) {
    try {
      return Optional.ofNullable(
          client
              .genericKubernetesResources(IMAGE_RUNNERS)
              .inNamespace(namespace)
              .withName(name)
              .get());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return Optional.empty(); // the ImageRunner CRD is not installed
      }
      throw e;
    }
  }

  @SuppressWarnings("unchecked")
  private static Optional<Resolved> fromImageRunner(
      GenericKubernetesResource runner, String name, KubernetesClient client) {
    Map<String, Object> spec =
        (Map<String, Object>) runner.getAdditionalProperties().getOrDefault("spec", Map.of());
    Map<String, Object> status =
        (Map<String, Object>) runner.getAdditionalProperties().getOrDefault("status", Map.of());
    String color = (String) status.getOrDefault("activeColor", spec.getOrDefault("active", "blue"));
    Object slot = spec.get(color);
    if (!(slot instanceof Map<?, ?> slotMap) || !(slotMap.get("image") instanceof String image)) {
      return Optional.empty();
    }
    Optional<ResourceRequirements> defaults =
        Optional.ofNullable(spec.get("defaults"))
            .map(d -> ((Map<String, Object>) d).get("resources"))
            .map(
                r ->
                    client
                        .getKubernetesSerialization()
                        .convertValue(r, ResourceRequirements.class));
    return Optional.of(new Resolved(new PinnedRunner(name, color, image), defaults, ""));
  }
}
