package io.imagebatch.operator.batch;

import io.imagebatch.api.v1alpha1.ImageBatch;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;

/**
 * The ImageBatch controller's primary cache, without each batch's managedFields: parsed into nested
 * maps, they were most of the operator's heap with thousands of batches (5,000 batches ran it out
 * of the 128 MiB its pod gets by default). Nothing reads them; a status update sent from a cached
 * batch without them leaves the server's managedFields as they are.
 */
public final class CachedImageBatches extends TransformingItemStore<ImageBatch> {
  public CachedImageBatches() {
    super(
        batch -> {
          batch.getMetadata().setManagedFields(null);
          return batch;
        });
  }
}
