package io.imagebatch.operator.condition;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatch;
import java.util.Optional;

/** Something that must hold before the batch's Jobs are created; else the batch is Stalled. */
public interface Precondition {

  /** Why the batch cannot start yet, with what the user must do; empty when it can. */
  Optional<Unmet> check(ImageBatch batch, KubernetesClient client);

  /**
   * @param reason a CamelCase condition reason
   * @param message what is missing and what to create
   */
  record Unmet(String reason, String message) {}
}
