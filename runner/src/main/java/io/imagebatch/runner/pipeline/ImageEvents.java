package io.imagebatch.runner.pipeline;

/**
 * Moments of the pipeline someone outside it may want to know of (start-up timing), without the
 * pipeline knowing who listens.
 */
public interface ImageEvents {
  ImageEvents NONE = new ImageEvents() {};

  /** A worker starts on a source. */
  default void imageStarted() {}

  /** A source was decoded and resized once for several variants. */
  default void decoded() {}

  /** A variant file was written. */
  default void variantWritten() {}
}
