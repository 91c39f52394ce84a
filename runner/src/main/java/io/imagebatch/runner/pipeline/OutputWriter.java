package io.imagebatch.runner.pipeline;

import io.imagebatch.runner.output.OutputStore;
import io.imagebatch.runner.output.StorageException;
import io.imagebatch.runner.pipeline.ImageResult.VariantResult;
import io.imagebatch.runner.pipeline.ImageResult.VariantStatus;
import io.imagebatch.runner.pipeline.OutputPlanner.PlannedOutput;
import java.io.IOException;

/** Step 3 of a source: writes one encoded output to the store and records it for the manifest. */
final class OutputWriter {
  private final OutputStore store;
  private final ImageEvents events;

  OutputWriter(OutputStore store, ImageEvents events) {
    this.store = store;
    this.events = events;
  }

  /**
   * Writes one output; its manifest time is its variant's decode and resize, then its encode and
   * this write.
   */
  VariantResult write(
      PlannedOutput output, Renderer.Encoded encoded, long renderMillis, long encodeStarted)
      throws ImageFailure {
    try {
      store.write(output.path(), encoded.bytes(), output.recipe().format(), output.fingerprint());
      events.variantWritten();
    } catch (StorageException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ImageFailure(
          FailureReason.WriteFailed, "cannot write " + store.locate(output.path()) + ": " + e, e);
    }
    return new VariantResult(
        output.recipe().variant().name(),
        output.recipe().format().yamlName(),
        output.path(),
        encoded.width(),
        encoded.height(),
        (long) encoded.bytes().length,
        renderMillis + Renderer.millisSince(encodeStarted),
        VariantStatus.written);
  }

  /** A manifest entry for an output that is already current. */
  static VariantResult skipped(PlannedOutput output) {
    return new VariantResult(
        output.recipe().variant().name(),
        output.recipe().format().yamlName(),
        output.path(),
        null,
        null,
        null,
        null,
        VariantStatus.skipped);
  }
}
