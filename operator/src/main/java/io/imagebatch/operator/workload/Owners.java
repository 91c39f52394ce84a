package io.imagebatch.operator.workload;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.imagebatch.api.v1alpha1.ImageBatch;

/** The owner reference on everything a batch's run creates: deleting the batch deletes them. */
public final class Owners {
  private Owners() {}

  public static OwnerReference controller(ImageBatch batch) {
    return new OwnerReferenceBuilder()
        .withApiVersion(batch.getApiVersion())
        .withKind(batch.getKind())
        .withName(batch.getMetadata().getName())
        .withUid(batch.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
