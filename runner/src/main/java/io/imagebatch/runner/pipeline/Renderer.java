package io.imagebatch.runner.pipeline;

import io.imagebatch.api.v1alpha1.Format;
import io.imagebatch.api.v1alpha1.ImageBatchSpec;
import io.imagebatch.api.v1alpha1.Variant;
import io.imagebatch.runner.pipeline.ImageResult.VariantResult;
import io.imagebatch.runner.pipeline.OutputPlanner.PlannedOutput;
import io.imagebatch.runner.pipeline.OutputPlanner.VariantPlan;
import io.imagebatch.vips.BlockedLoaderException;
import io.imagebatch.vips.FailOn;
import io.imagebatch.vips.ImageHeader;
import io.imagebatch.vips.ThumbnailOptions;
import io.imagebatch.vips.UnknownFormatException;
import io.imagebatch.vips.VipsException;
import io.imagebatch.vips.VipsImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Step 2 of a source: pixels only. Reads the header (refusing bombs and what no trusted loader
 * reads), then per variant one shrink-on-load thumbnail with the EXIF orientation applied,
 * converted to sRGB, cropped or padded, rendered once into memory and encoded once per format.
 * Knows nothing of storage: each encoded output goes to an {@link OutputSink}. Encoder options live
 * in {@link Recipe} (from the spec) and {@code SaveOptions} (how libvips is asked).
 */
final class Renderer {
  private static final double[] WHITE = {255, 255, 255};

  private final long maxInputPixels;
  private final FailOn failOn;
  private final boolean autoRotate;
  private final boolean stripMetadata;
  private final String exportProfile;
  private final ImageEvents events;

  Renderer(ImageBatchSpec spec, ImageEvents events) {
    this.maxInputPixels = spec.limits().maxInputPixels();
    this.failOn = FailOn.valueOf(spec.limits().failOn().name());
    this.autoRotate = spec.processing().autoRotate();
    // Stripping drops the ICC profile, so the pixels must be sRGB first or colours shift.
    this.stripMetadata = spec.processing().stripMetadata();
    this.exportProfile = stripMetadata ? "srgb" : null;
    this.events = events;
  }

  /** One encoded output and its size in pixels. */
  record Encoded(byte[] bytes, int width, int height) {}

  /** Where each encoded output goes; returns its manifest entry. */
  @FunctionalInterface
  interface OutputSink {
    /**
     * @param renderMillis the time to decode and resize for this output's variant
     * @param encodeStarted {@link System#nanoTime()} when its encoding started
     */
    VariantResult accept(
        PlannedOutput output, Encoded encoded, long renderMillis, long encodeStarted)
        throws ImageFailure;
  }

  /** The header, read without decoding pixels. */
  ImageHeader inspect(SourceFile source) throws ImageFailure {
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

  /**
   * Colour handling for this source. With stripMetadata the pixels are converted to sRGB through
   * the embedded profile, or the one assumed when there is none (sRGB, or CMYK for CMYK). Greyscale
   * stays greyscale: there is no grey-to-sRGB profile to assume.
   */
  Geometry.Decode decodeSettings(ImageHeader header) {
    String interpretation = header.interpretation();
    boolean grey = interpretation.equals("b-w") || interpretation.equals("grey16");
    if (exportProfile == null || grey) {
      return new Geometry.Decode(autoRotate, null, null, failOn);
    }
    String importProfile = interpretation.equals("cmyk") ? "cmyk" : "srgb";
    return new Geometry.Decode(autoRotate, exportProfile, importProfile, failOn);
  }

  /** One thumbnail for a variant, rendered once, then each format encoded from memory. */
  List<VariantResult> render(
      SourceFile source, VariantPlan variant, Geometry geometry, OutputSink sink)
      throws ImageFailure {
    long started = System.nanoTime();
    try (VipsImage rendered = decode(source, geometry)) {
      return encodeAll(rendered, variant.outputs(), millisSince(started), sink);
    }
  }

  /**
   * Several fit-inside variants from one decode: the largest is cut from the source with
   * shrink-on-load, the smaller ones are resized from it in memory. A PNG (which has no
   * shrink-on-load) is then decoded once instead of once per size.
   */
  List<VariantResult> renderFromOneDecode(
      SourceFile source,
      List<VariantPlan> inside,
      int width,
      int height,
      Geometry.Decode decode,
      OutputSink sink)
      throws ImageFailure {
    VariantPlan largest =
        inside.stream()
            .max(Comparator.comparingDouble(v -> scale(v.variant(), width, height)))
            .orElseThrow();
    List<VariantResult> results = new ArrayList<>();
    long started = System.nanoTime();
    try (VipsImage base =
        decode(source, Geometry.of(largest.variant(), width, height, false, decode))) {
      long decodeMillis = millisSince(started);
      events.decoded();
      for (VariantPlan variant : inside) {
        if (variant == largest) {
          results.addAll(encodeAll(base, variant.outputs(), decodeMillis, sink));
          continue;
        }
        long resizeStarted = System.nanoTime();
        try (VipsImage derived = derive(base, variant.variant(), decode)) {
          results.addAll(encodeAll(derived, variant.outputs(), millisSince(resizeStarted), sink));
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

  private static List<VariantResult> encodeAll(
      VipsImage rendered, List<PlannedOutput> outputs, long renderMillis, OutputSink sink)
      throws ImageFailure {
    List<VariantResult> results = new ArrayList<>();
    for (PlannedOutput output : outputs) {
      long encodeStarted = System.nanoTime();
      Encoded encoded =
          new Encoded(encode(rendered, output.recipe()), rendered.width(), rendered.height());
      results.add(sink.accept(output, encoded, renderMillis, encodeStarted));
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
        ? image.apply("copy", Map.of())
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

  static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
