package io.imagebatch.runner.pipeline;

import io.imagebatch.api.v1alpha1.Fit;
import io.imagebatch.api.v1alpha1.Format;
import io.imagebatch.api.v1alpha1.ImageBatchSpec;
import io.imagebatch.api.v1alpha1.Overwrite;
import io.imagebatch.api.v1alpha1.Variant;
import io.imagebatch.runner.config.PathTemplate;
import io.imagebatch.runner.config.Quantities;
import io.imagebatch.runner.memory.MemoryBudget;
import io.imagebatch.runner.memory.MemoryEstimate;
import io.imagebatch.runner.output.OutputStore;
import io.imagebatch.runner.output.StorageException;
import io.imagebatch.runner.pipeline.ImageResult.VariantResult;
import io.imagebatch.runner.pipeline.ImageResult.VariantStatus;
import io.imagebatch.runner.run.StartupClock;
import io.imagebatch.vips.BlockedLoaderException;
import io.imagebatch.vips.FailOn;
import io.imagebatch.vips.ImageHeader;
import io.imagebatch.vips.ThumbnailOptions;
import io.imagebatch.vips.UnknownFormatException;
import io.imagebatch.vips.VipsException;
import io.imagebatch.vips.VipsImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Turns one source file into all its variants. Thread-safe: one instance serves every worker.
 *
 * <p>Per source: check the size, skip what is already current, read the header and refuse a bomb,
 * then per variant one shrink-on-load thumbnail rendered once into memory, encoded once per format.
 */
public final class ImageProcessor {
  private static final double[] WHITE = {255, 255, 255};

  private final List<List<Recipe>> recipes;
  private final PathTemplate paths;
  private final OutputStore store;
  private final Overwrite overwrite;
  private final long maxInputPixels;
  private final long maxInputBytes;
  private final FailOn failOn;
  private final boolean autoRotate;
  private final boolean enlarge;
  private final String exportProfile;
  private final boolean stripMetadata;
  private final MemoryBudget memory;
  private final LibvipsErrors libvipsErrors = new LibvipsErrors();

  public ImageProcessor(ImageBatchSpec spec, OutputStore store) {
    this(spec, store, MemoryBudget.detect());
  }

  public ImageProcessor(ImageBatchSpec spec, OutputStore store, MemoryBudget memory) {
    this.memory = memory;
    this.recipes = Recipe.of(spec);
    this.paths = PathTemplate.parse(spec.output().pathTemplate());
    this.store = store;
    this.overwrite = spec.output().overwrite();
    this.maxInputPixels = spec.limits().maxInputPixels();
    this.maxInputBytes = Quantities.bytes(spec.limits().maxInputBytes());
    this.failOn = FailOn.valueOf(spec.limits().failOn().name());
    this.autoRotate = spec.processing().autoRotate();
    this.enlarge = spec.processing().enlarge();
    // Stripping drops the ICC profile, so the pixels must be sRGB first or colours shift.
    this.stripMetadata = spec.processing().stripMetadata();
    this.exportProfile = stripMetadata ? "srgb" : null;
  }

  public long maxInputBytes() {
    return maxInputBytes;
  }

  /** Processes one source; per-image problems become a failed result, storage outages throw. */
  public ImageResult process(SourceFile source) {
    StartupClock.mark("firstImage");
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
    List<List<Pending>> work = pendingOutputs(source);
    boolean nothingToDo = work.stream().flatMap(List::stream).allMatch(Pending::skip);
    List<VariantResult> results = new ArrayList<>(skippedResults(work));
    if (nothingToDo) {
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
    ImageHeader header = header(source);
    int width = header.width();
    int height = header.height();
    if (autoRotate && header.swapsDimensions()) {
      width = header.height();
      height = header.width();
    }
    Geometry.Decode decode = decodeSettings(header);
    List<List<Pending>> todo =
        work.stream()
            .map(v -> v.stream().filter(p -> !p.skip()).toList())
            .filter(v -> !v.isEmpty())
            .toList();
    List<List<Pending>> inside =
        enlarge ? List.of() : todo.stream().filter(v -> fit(v) == Fit.INSIDE).toList();
    long need =
        MemoryEstimate.forVariants(
            header, autoRotate, todo.stream().map(v -> v.getFirst().recipe().variant()).toList());
    try (MemoryBudget.Lease lease = memory.acquire(need)) {
      if (inside.size() > 1) {
        results.addAll(renderFromOneDecode(source, inside, width, height, decode));
      }
      for (List<Pending> variant : todo) {
        if (inside.size() <= 1 || !inside.contains(variant)) {
          Geometry geometry =
              Geometry.of(variant.getFirst().recipe().variant(), width, height, enlarge, decode);
          results.addAll(render(source, variant, geometry));
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
        order(results));
  }

  /**
   * Colour handling for this source. With stripMetadata the pixels are converted to sRGB through
   * the embedded profile, or the one assumed when there is none (sRGB, or CMYK for CMYK). Greyscale
   * stays greyscale: there is no grey-to-sRGB profile to assume.
   */
  private Geometry.Decode decodeSettings(ImageHeader header) {
    String interpretation = header.interpretation();
    boolean grey = interpretation.equals("b-w") || interpretation.equals("grey16");
    if (exportProfile == null || grey) {
      return new Geometry.Decode(autoRotate, null, null, failOn);
    }
    String importProfile = interpretation.equals("cmyk") ? "cmyk" : "srgb";
    return new Geometry.Decode(autoRotate, exportProfile, importProfile, failOn);
  }

  private ImageHeader header(SourceFile source) throws ImageFailure {
    ImageHeader header;
    try (VipsImage image = VipsImage.open(source.file(), failOn)) {
      header = image.header();
    } catch (BlockedLoaderException e) {
      throw new ImageFailure(
          FailureReason.UnsupportedFormat, e.loader() + " loader blocked for untrusted input", e);
    } catch (VipsException e) {
      boolean unknown = e instanceof UnknownFormatException;
      throw new ImageFailure(
          unknown ? FailureReason.UnsupportedFormat : FailureReason.CorruptInput,
          unknown ? "not an image libvips can read" : e.getMessage(),
          e);
    }
    if (header.pixels() > maxInputPixels) {
      throw new ImageFailure(
          FailureReason.InputTooLarge,
          header.pixels()
              + " px > maxInputPixels "
              + maxInputPixels
              + " ("
              + header.width()
              + "x"
              + header.height()
              + (header.pages() > 1 ? "x" + header.pages() + " pages" : "")
              + ")");
    }
    return header;
  }

  /** One thumbnail for a variant, rendered once, then each format encoded from memory. */
  private List<VariantResult> render(SourceFile source, List<Pending> todo, Geometry geometry)
      throws ImageFailure {
    long started = System.nanoTime();
    try (VipsImage rendered = decode(source, geometry)) {
      return encodeAll(rendered, todo, millisSince(started));
    }
  }

  /**
   * Several fit-inside variants from one decode: the largest is cut from the source with
   * shrink-on-load, the smaller ones are resized from it in memory. A PNG (which has no
   * shrink-on-load) is then decoded once instead of once per size.
   */
  private List<VariantResult> renderFromOneDecode(
      SourceFile source, List<List<Pending>> inside, int width, int height, Geometry.Decode decode)
      throws ImageFailure {
    List<Pending> largest =
        inside.stream()
            .max(
                Comparator.comparingDouble(
                    v -> scale(v.getFirst().recipe().variant(), width, height)))
            .orElseThrow();
    List<VariantResult> results = new ArrayList<>();
    long started = System.nanoTime();
    try (VipsImage base =
        decode(
            source,
            Geometry.of(largest.getFirst().recipe().variant(), width, height, false, decode))) {
      long decodeMillis = millisSince(started);
      StartupClock.mark("firstDecode");
      for (List<Pending> variant : inside) {
        if (variant == largest) {
          results.addAll(encodeAll(base, variant, decodeMillis));
          continue;
        }
        long resizeStarted = System.nanoTime();
        try (VipsImage derived = derive(base, variant.getFirst().recipe().variant(), decode)) {
          results.addAll(encodeAll(derived, variant, millisSince(resizeStarted)));
        }
      }
    }
    return results;
  }

  private static VipsImage derive(VipsImage base, Variant variant, Geometry.Decode decode)
      throws ImageFailure {
    ThumbnailOptions box =
        new ThumbnailOptions(
            variant.width() == null ? ThumbnailOptions.UNBOUNDED : variant.width(),
            variant.height() == null ? ThumbnailOptions.UNBOUNDED : variant.height(),
            ThumbnailOptions.Size.DOWN,
            ThumbnailOptions.Crop.NONE,
            false, // the base is upright already
            null,
            null,
            decode.failOn());
    try (VipsImage resized = base.thumbnailImage(box)) {
      return resized.copyMemory();
    } catch (VipsException e) {
      throw new ImageFailure(FailureReason.EncodeFailed, "resize failed: " + e.getMessage(), e);
    }
  }

  /** How much a fit-inside variant scales the (upright) source; never above 1 here. */
  private static double scale(Variant variant, int width, int height) {
    double x = variant.width() == null ? Double.MAX_VALUE : (double) variant.width() / width;
    double y = variant.height() == null ? Double.MAX_VALUE : (double) variant.height() / height;
    return Math.min(1, Math.min(x, y));
  }

  private static Fit fit(List<Pending> variant) {
    Fit fit = variant.getFirst().recipe().variant().fit();
    return fit == null ? Fit.INSIDE : fit;
  }

  private List<VariantResult> encodeAll(VipsImage rendered, List<Pending> todo, long decodeMillis)
      throws ImageFailure {
    List<VariantResult> results = new ArrayList<>();
    for (Pending pending : todo) {
      long encodeStarted = System.nanoTime();
      byte[] bytes = encode(rendered, pending.recipe());
      write(pending, bytes);
      results.add(
          new VariantResult(
              pending.recipe().variant().name(),
              pending.recipe().format().yamlName(),
              pending.path(),
              rendered.width(),
              rendered.height(),
              (long) bytes.length,
              decodeMillis + millisSince(encodeStarted),
              VariantStatus.written));
    }
    return results;
  }

  /** Decodes and resizes into memory; errors here are the source's fault. */
  private VipsImage decode(SourceFile source, Geometry geometry) throws ImageFailure {
    try (VipsImage thumbnail = VipsImage.thumbnail(source.file(), geometry.thumbnail());
        VipsImage colour = toDisplayColour(thumbnail);
        VipsImage padded = geometry.pads() ? pad(colour, geometry) : null) {
      VipsImage last = padded != null ? padded : colour;
      if (!stripMetadata) {
        return last.copyMemory();
      }
      try (VipsImage bare = last.withoutMetadata()) {
        return bare.copyMemory();
      }
    } catch (VipsException e) {
      throw new ImageFailure(FailureReason.CorruptInput, e.getMessage(), e);
    }
  }

  private static VipsImage toDisplayColour(VipsImage image) {
    String interpretation = image.interpretation();
    boolean grey = interpretation.equals("b-w") || interpretation.equals("grey16");
    String target = grey ? "b-w" : "srgb";
    // Always a new reference, so the caller closes one image either way.
    return interpretation.equals(target)
        ? image.apply("copy", java.util.Map.of())
        : image.colourspace(target);
  }

  private static VipsImage pad(VipsImage image, Geometry geometry) {
    double[] background = new double[image.bands()];
    if (!image.hasAlpha()) {
      Arrays.fill(background, 255); // white; with alpha, transparent
    }
    return image.padCentre(geometry.padWidth(), geometry.padHeight(), background);
  }

  private static byte[] encode(VipsImage image, Recipe recipe) throws ImageFailure {
    try {
      if (recipe.format() == Format.JPEG && image.hasAlpha()) {
        // JPEG has no alpha: blend onto white, as a browser shows it, never onto black.
        double[] white = Arrays.copyOf(WHITE, Math.max(1, image.bands() - 1));
        try (VipsImage flat = image.flatten(white)) {
          return flat.save(recipe.save());
        }
      }
      return image.save(recipe.save());
    } catch (VipsException e) {
      throw new ImageFailure(
          FailureReason.EncodeFailed,
          recipe.format().yamlName() + " encoder failed: " + e.getMessage(),
          e);
    }
  }

  private void write(Pending pending, byte[] bytes) throws ImageFailure {
    try {
      store.write(pending.path(), bytes, pending.recipe().format(), pending.fingerprint());
      StartupClock.variantWritten();
    } catch (StorageException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ImageFailure(
          FailureReason.WriteFailed, "cannot write " + store.locate(pending.path()) + ": " + e, e);
    }
  }

  /** Which outputs must be (re)written; the rest are current and skipped without decoding. */
  private List<List<Pending>> pendingOutputs(SourceFile source) throws ImageFailure {
    List<List<Pending>> work = new ArrayList<>();
    for (List<Recipe> variant : recipes) {
      List<Pending> pending = new ArrayList<>();
      for (Recipe recipe : variant) {
        String path = outputPath(source.key(), recipe);
        String fingerprint = recipe.fingerprint(source.sha256());
        pending.add(new Pending(recipe, path, fingerprint, current(path, fingerprint)));
      }
      work.add(pending);
    }
    return work;
  }

  /**
   * Refuses a source whose outputs would land outside the output root, before it is fetched: a key
   * or URL with {@code ..} segments, also when they were percent-encoded.
   */
  public void refuseEscapingKey(String key) throws ImageFailure {
    Recipe first = recipes.getFirst().getFirst();
    outputPath(key, first);
  }

  private String outputPath(String key, Recipe recipe) throws ImageFailure {
    try {
      return paths.render(key, recipe.variant().name(), recipe.format());
    } catch (PathTemplate.EscapesRootException e) {
      throw new ImageFailure(FailureReason.SourceRefused, e.getMessage(), e);
    }
  }

  private boolean current(String path, String fingerprint) throws ImageFailure {
    try {
      return switch (overwrite) {
        case Always -> false;
        case Never -> store.exists(path);
        case IfChanged -> store.fingerprint(path).map(fingerprint::equals).orElse(false);
      };
    } catch (StorageException e) {
      throw e;
    } catch (IOException e) {
      throw new ImageFailure(FailureReason.ReadFailed, "cannot check " + path + ": " + e, e);
    }
  }

  private static List<VariantResult> skippedResults(List<List<Pending>> work) {
    return work.stream()
        .flatMap(List::stream)
        .filter(Pending::skip)
        .map(
            p ->
                new VariantResult(
                    p.recipe().variant().name(),
                    p.recipe().format().yamlName(),
                    p.path(),
                    null,
                    null,
                    null,
                    null,
                    VariantStatus.skipped))
        .toList();
  }

  /** Manifest lines list variants in spec order, whatever was skipped or written first. */
  private List<VariantResult> order(List<VariantResult> results) {
    List<String> order =
        recipes.stream()
            .flatMap(List::stream)
            .map(r -> r.variant().name() + "/" + r.format().yamlName())
            .toList();
    return results.stream()
        .sorted(
            java.util.Comparator.comparingInt(
                r -> order.indexOf(r.variant() + "/" + r.format().toLowerCase(Locale.ROOT))))
        .toList();
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private record Pending(Recipe recipe, String path, String fingerprint, boolean skip) {}
}
