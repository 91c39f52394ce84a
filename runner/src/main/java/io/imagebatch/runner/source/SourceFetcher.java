package io.imagebatch.runner.source;

import io.imagebatch.runner.pipeline.ImageFailure;
import io.imagebatch.runner.pipeline.SourceFile;

/**
 * Makes a listed source available as a local file, hashing it on the way and refusing it as soon as
 * it passes {@code maxBytes}. A problem with this one source is an {@link ImageFailure}; a store
 * that cannot be reached at all after retries is a {@code StorageException}.
 */
public interface SourceFetcher {
  SourceFile fetch(SourceRef ref, long maxBytes) throws ImageFailure;

  /** Called when the processor is done with a fetched file (temporary downloads are deleted). */
  default void release(SourceFile file) {}
}
