package io.imagebatch.runner.pipeline;

import io.imagebatch.api.v1alpha1.Fit;
import io.imagebatch.api.v1alpha1.ImageBatchSpec;
import io.imagebatch.runner.config.Quantities;
import io.imagebatch.runner.memory.MemoryBudget;
import io.imagebatch.runner.memory.MemoryEstimate;
import io.imagebatch.runner.output.OutputStore;
import io.imagebatch.runner.output.StorageException;
import io.imagebatch.runner.pipeline.ImageResult.VariantResult;
import io.imagebatch.runner.pipeline.OutputPlanner.PlannedOutput;
import io.imagebatch.runner.pipeline.OutputPlanner.VariantPlan;
import io.imagebatch.vips.ImageHeader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Turns one source file into all its variants. Thread-safe: one instance serves every worker.
 *
 * <p>Per source, in named steps: check its size; {@link OutputPlanner plan} its outputs and skip
 * what is already current; {@link Renderer render} (header and bomb check, then pixels, under a
 * memory lease); {@link OutputWriter write} each encoded output; the result is its manifest line,
 * variants in spec order.
 */
public final class ImageProcessor {
  private final OutputPlanner planner;
  private final Renderer renderer;
  private final OutputWriter writer;
  private final ImageEvents events;
  private final long maxInputBytes;
  private final boolean autoRotate;
  private final boolean enlarge;
  private final MemoryBudget memory;
  private final LibvipsErrors libvipsErrors = new LibvipsErrors();

  public ImageProcessor(ImageBatchSpec spec, OutputStore store) {
    this(spec, store, MemoryBudget.detect(), ImageEvents.NONE);
  }

  public ImageProcessor(ImageBatchSpec spec, OutputStore store, ImageEvents events) {
    this(spec, store, MemoryBudget.detect(), events);
  }

  public ImageProcessor(
      ImageBatchSpec spec, OutputStore store, MemoryBudget memory, ImageEvents events) {
    this.planner = new OutputPlanner(spec, store);
    this.renderer = new Renderer(spec, events);
    this.writer = new OutputWriter(store, events);
    this.events = events;
    this.memory = memory;
    this.maxInputBytes = Quantities.bytes(spec.limits().maxInputBytes());
    this.autoRotate = spec.processing().autoRotate();
    this.enlarge = spec.processing().enlarge();
  }

  public long maxInputBytes() {
    return maxInputBytes;
  }

  /**
   * Refuses a source whose outputs would land outside the output root, before it is fetched: a key
   * or URL with {@code ..} segments, also when they were percent-encoded.
   */
  public void refuseEscapingKey(String key) throws ImageFailure {
    planner.refuseEscapingKey(key);
  }

  /** Processes one source; per-image problems become a failed result, storage outages throw. */
  public ImageResult process(SourceFile source) {
    events.imageStarted();
    LibvipsWarnings.begin();
    LibvipsWarnings.Sources.set(source.key());
    try {
      return attempt(source).withWarnings(LibvipsWarnings.end());
    } finally {
      LibvipsWarnings.Sources.clear();
    }
  }

  private ImageResult attempt(SourceFile source) {
    long started = System.nanoTime();
    try {
      return libvipsErrors.run(() -> run(source, started));
    } catch (ImageFailure failure) {
      return ImageResult.failed(source.key(), source.size(), failure, millisSince(started));
    } catch (StorageException outage) {
      throw outage;
    } catch (RuntimeException unexpected) {
      // A bug or an input no check foresaw: this source's failure, never the end of the run.
      return ImageResult.failed(
          source.key(), source.size(), ImageFailure.unexpected(unexpected), millisSince(started));
    }
  }

  private ImageResult run(SourceFile source, long started) throws ImageFailure {
    if (source.size() == 0) {
      throw new ImageFailure(FailureReason.EmptyInput, "the source is empty (0 bytes)");
    }
    if (source.size() > maxInputBytes) {
      throw new ImageFailure(
          FailureReason.InputTooManyBytes,
          source.size() + " bytes > maxInputBytes " + maxInputBytes);
    }
    List<VariantPlan> plan = planner.plan(source);
    List<VariantResult> results =
        new ArrayList<>(
            plan.stream()
                .flatMap(v -> v.outputs().stream())
                .filter(PlannedOutput::current)
                .map(OutputWriter::skipped)
                .toList());
    List<VariantPlan> todo =
        plan.stream()
            .filter(v -> !v.todo().isEmpty())
            .map(v -> new VariantPlan(v.variant(), v.todo()))
            .toList();
    if (todo.isEmpty()) {
      return new ImageResult(
          source.key(),
          ImageResult.Status.skipped,
          null,
          null,
          source.size(),
          source.sha256(),
          null,
          null,
          millisSince(started),
          results);
    }
    ImageHeader header = renderer.inspect(source);
    boolean swap = autoRotate && header.swapsDimensions();
    int width = swap ? header.height() : header.width();
    int height = swap ? header.width() : header.height();
    Geometry.Decode decode = renderer.decodeSettings(header);
    List<VariantPlan> inside =
        enlarge ? List.of() : todo.stream().filter(v -> v.fit() == Fit.INSIDE).toList();
    long need =
        MemoryEstimate.forVariants(
            header, autoRotate, todo.stream().map(VariantPlan::variant).toList());
    Renderer.OutputSink sink = writer::write;
    try (MemoryBudget.Lease lease = memory.acquire(need)) {
      if (inside.size() > 1) {
        results.addAll(renderer.renderFromOneDecode(source, inside, width, height, decode, sink));
      }
      for (VariantPlan variant : todo) {
        if (inside.size() <= 1 || !inside.contains(variant)) {
          Geometry geometry = Geometry.of(variant.variant(), width, height, enlarge, decode);
          results.addAll(renderer.render(source, variant, geometry, sink));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for memory", e);
    }
    return new ImageResult(
        source.key(),
        ImageResult.Status.succeeded,
        null,
        null,
        source.size(),
        source.sha256(),
        width,
        height,
        millisSince(started),
        inSpecOrder(results));
  }

  /** Manifest lines list variants in spec order, whatever was skipped or written first. */
  private List<VariantResult> inSpecOrder(List<VariantResult> results) {
    List<String> order = planner.order();
    return results.stream()
        .sorted(
            Comparator.comparingInt(
                r -> order.indexOf(r.variant() + "/" + r.format().toLowerCase(Locale.ROOT))))
        .toList();
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
