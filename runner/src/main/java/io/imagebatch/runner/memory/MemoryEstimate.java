package io.imagebatch.runner.memory;

import io.imagebatch.api.v1alpha1.Variant;
import io.imagebatch.vips.ImageHeader;
import java.util.Collection;
import java.util.Locale;

/**
 * How many bytes of native memory one image may need while it is decoded, resized to its largest
 * variant, held rendered, and encoded. Deliberately simple and on the safe side; it sizes a {@link
 * MemoryBudget} lease, it does not predict libvips to the byte.
 *
 * <p>The model, with {@code frame = width × height × bands × bytesPerSample} (2 bytes per sample
 * for 16-bit sources, 1 otherwise) and the target the largest variant's width × height:
 *
 * <ul>
 *   <li><b>Decoding.</b>
 *       <ul>
 *         <li>A progressive JPEG holds all its DCT coefficients, 16 bits each, until the last scan:
 *             {@code 2 × frame}, plus its rows shrunk on load (as a baseline JPEG's below).
 *         <li>Adam7-interlaced PNG and loaders that cannot decode sequentially (WebP, HEIF/AVIF,
 *             GIF, SVG, PDF, anything else) need the whole decoded {@code frame}.
 *         <li>A baseline JPEG is shrunk while it is decoded (shrink-on-load): {@code frame /
 *             shrink²}, where {@code shrink} is the largest power of two ≤ {@code min(width /
 *             targetWidth, height / targetHeight)}, at most 8 (what libjpeg's DCT scaling offers).
 *         <li>Other sequential loaders (PNG, TIFF, PPM) decode a window of rows: {@value
 *             #STREAM_ROWS} rows of {@code width × bands × bytesPerSample}.
 *       </ul>
 *   <li><b>The resized image</b>, rendered once into memory: {@code targetWidth × targetHeight ×
 *       bands × bytesPerSample}.
 *   <li><b>The output variant</b> while it is converted and encoded: {@code targetWidth ×
 *       targetHeight × 4 × 2} (RGBA, and a second copy for colour conversion, flattening or the
 *       encoder's own buffers).
 *   <li><b>A fixed overhead</b> of {@value #OVERHEAD_MIB} MiB per image: codec state (an AVIF
 *       encoder's is the largest), libvips tile buffers and thread-local scratch.
 * </ul>
 *
 * <p>A variant size not given (0) follows the other side's aspect ratio; with neither, the source
 * size. A target larger than the source counts as the source size for shrinking (the variant is
 * never shrunk below 1) but at its full size for the output, in case it is enlarged.
 */
public final class MemoryEstimate {
  /** Rows a sequential loader keeps decoded at once, with room for the resize kernel's window. */
  public static final int STREAM_ROWS = 256;

  public static final int OVERHEAD_MIB = 24;
  private static final long OVERHEAD = (long) OVERHEAD_MIB << 20;

  private MemoryEstimate() {}

  /** The estimate for an 8-bit source. */
  public static long of(
      int width,
      int height,
      int bands,
      boolean interlaced,
      String loader,
      int largestVariantWidth,
      int largestVariantHeight) {
    return of(
        width, height, bands, 1, interlaced, loader, largestVariantWidth, largestVariantHeight);
  }

  /** The estimate from a header read without decoding; 16-bit sources count 2 bytes a sample. */
  public static long of(ImageHeader header, int largestVariantWidth, int largestVariantHeight) {
    String interpretation =
        header.interpretation() == null ? "" : header.interpretation().toLowerCase(Locale.ROOT);
    int bytesPerSample = interpretation.endsWith("16") ? 2 : 1; // rgb16, grey16
    return of(
        header.width(),
        header.height(),
        header.bands(),
        bytesPerSample,
        header.interlaced(),
        header.loader(),
        largestVariantWidth,
        largestVariantHeight);
  }

  /**
   * The estimate for an image about to be rendered into {@code variants}: the target is the largest
   * width and the largest height any of them asks for (a side not given is 0: from the aspect
   * ratio), in the source's stored orientation.
   */
  public static long forVariants(
      ImageHeader header, boolean autoRotate, Collection<Variant> variants) {
    int width = 0;
    int height = 0;
    for (Variant variant : variants) {
      width = Math.max(width, variant.width() == null ? 0 : variant.width());
      height = Math.max(height, variant.height() == null ? 0 : variant.height());
    }
    // Variants are sized after autoRotate; the header is as stored.
    return autoRotate && header.swapsDimensions()
        ? of(header, height, width)
        : of(header, width, height);
  }

  public static long of(
      int width,
      int height,
      int bands,
      int bytesPerSample,
      boolean interlaced,
      String loader,
      int largestVariantWidth,
      int largestVariantHeight) {
    if (width <= 0 || height <= 0 || bands <= 0 || bytesPerSample <= 0) {
      throw new IllegalArgumentException(
          "no image is " + width + "x" + height + "x" + bands + " (" + bytesPerSample + " B)");
    }
    long targetWidth = largestVariantWidth;
    long targetHeight = largestVariantHeight;
    if (targetWidth <= 0 && targetHeight <= 0) {
      targetWidth = width;
      targetHeight = height;
    } else if (targetHeight <= 0) {
      targetHeight = Math.max(1, Math.round((double) targetWidth * height / width));
    } else if (targetWidth <= 0) {
      targetWidth = Math.max(1, Math.round((double) targetHeight * width / height));
    }
    long sample = (long) bands * bytesPerSample;
    long frame = (long) width * height * sample;
    String name = loader == null ? "" : loader.toLowerCase(Locale.ROOT);

    long decoding;
    if (interlaced && name.startsWith("jpegload")) {
      // libjpeg reads every scan of a progressive JPEG before the first row comes out, keeping
      // each DCT coefficient as 16 bits: 2 bytes per sample (4:4:4, the worst case), then the
      // rows come out shrunk on load. MemoryCgroupIT's 75-megapixel one was OOM-killed in 1 GiB
      // while this counted 1 byte per sample.
      int shrink = shrinkOnLoad(width, height, targetWidth, targetHeight);
      decoding = 2 * frame + ceilDiv(width, shrink) * ceilDiv(height, shrink) * sample;
    } else if (interlaced || !sequential(name)) {
      decoding = frame;
    } else if (name.startsWith("jpegload")) {
      int shrink = shrinkOnLoad(width, height, targetWidth, targetHeight);
      decoding = ceilDiv(width, shrink) * ceilDiv(height, shrink) * sample;
    } else {
      decoding = (long) width * Math.min(height, STREAM_ROWS) * sample;
    }
    long resized = targetWidth * targetHeight * sample;
    long output = targetWidth * targetHeight * 4 * 2;
    return decoding + resized + output + OVERHEAD;
  }

  /** libjpeg's DCT scaling: 1, 2, 4 or 8, the largest that keeps the image at least the target. */
  static int shrinkOnLoad(long width, long height, long targetWidth, long targetHeight) {
    long factor = Math.min(width / Math.max(1, targetWidth), height / Math.max(1, targetHeight));
    int shrink = 1;
    while (shrink < 8 && shrink * 2L <= factor) {
      shrink *= 2;
    }
    return shrink;
  }

  private static boolean sequential(String loader) {
    return loader.startsWith("jpegload")
        || loader.startsWith("pngload")
        || loader.startsWith("tiffload")
        || loader.startsWith("ppmload");
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
