package io.imagebatch.runner.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imagebatch.api.v1alpha1.Fit;
import io.imagebatch.api.v1alpha1.Format;
import io.imagebatch.api.v1alpha1.Variant;
import io.imagebatch.vips.ImageHeader;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryEstimateTest {
  private static final long MIB = 1L << 20;
  private static final long OVERHEAD = 24 * MIB;

  /** resized (tw*th*bands*bps) + output (tw*th*4*2) + overhead. */
  private static long tail(long tw, long th, long sample) {
    return tw * th * sample + tw * th * 8 + OVERHEAD;
  }

  @Test
  void baselineJpegShrinksOnLoadByAPowerOfTwoUpToEight() {
    // 10000x7500 to 1200x900: factor 8.33, shrink 8 -> 1250x938 decoded.
    assertThat(MemoryEstimate.of(10000, 7500, 3, false, "jpegload", 1200, 900))
        .isEqualTo(1250L * 938 * 3 + tail(1200, 900, 3));
    // 5120x2880 to 1200 wide (675 high): factor 4.26, shrink 4.
    assertThat(MemoryEstimate.of(5120, 2880, 3, false, "jpegload_source", 1200, 0))
        .isEqualTo(1280L * 720 * 3 + tail(1200, 675, 3));
    // 40000x30000 to 100x75: factor 400, capped at 8.
    assertThat(MemoryEstimate.of(40000, 30000, 3, false, "jpegload", 100, 75))
        .isEqualTo(5000L * 3750 * 3 + tail(100, 75, 3));
    // 1000x1000 to 800x800: factor 1, no shrink.
    assertThat(MemoryEstimate.of(1000, 1000, 3, false, "jpegload", 800, 800))
        .isEqualTo(1000L * 1000 * 3 + tail(800, 800, 3));
  }

  @Test
  void shrinkOnLoadFactors() {
    assertThat(MemoryEstimate.shrinkOnLoad(1000, 1000, 1000, 1000)).isEqualTo(1);
    assertThat(MemoryEstimate.shrinkOnLoad(1000, 1000, 501, 501)).isEqualTo(1);
    assertThat(MemoryEstimate.shrinkOnLoad(1000, 1000, 500, 500)).isEqualTo(2);
    assertThat(MemoryEstimate.shrinkOnLoad(1000, 1000, 250, 400)).isEqualTo(2);
    assertThat(MemoryEstimate.shrinkOnLoad(1000, 1000, 125, 125)).isEqualTo(8);
    assertThat(MemoryEstimate.shrinkOnLoad(1000, 1000, 1, 1)).isEqualTo(8);
    assertThat(MemoryEstimate.shrinkOnLoad(100, 100, 400, 400)).isEqualTo(1);
  }

  @Test
  void progressiveJpegHoldsItsCoefficientsAndInterlacedPngTheWholeFrame() {
    // 16-bit coefficients for every sample, then rows shrunk by 8 (as baseline): 1250x938.
    assertThat(MemoryEstimate.of(10000, 7500, 3, true, "jpegload", 1200, 900))
        .isEqualTo(2 * 10000L * 7500 * 3 + 1250L * 938 * 3 + tail(1200, 900, 3));
    assertThat(MemoryEstimate.of(4000, 3000, 4, true, "pngload", 400, 300))
        .isEqualTo(4000L * 3000 * 4 + tail(400, 300, 4));
  }

  @Test
  void loadersThatCannotStreamNeedTheWholeFrame() {
    assertThat(MemoryEstimate.of(4000, 3000, 3, false, "webpload", 400, 300))
        .isEqualTo(4000L * 3000 * 3 + tail(400, 300, 3));
    assertThat(MemoryEstimate.of(4000, 3000, 3, false, "heifload", 400, 300))
        .isEqualTo(4000L * 3000 * 3 + tail(400, 300, 3));
  }

  @Test
  void sequentialPngDecodesAWindowOfRows() {
    assertThat(MemoryEstimate.of(5120, 2880, 4, false, "pngload", 1200, 675))
        .isEqualTo(5120L * 256 * 4 + tail(1200, 675, 4));
    // An image shorter than the window is decoded whole.
    assertThat(MemoryEstimate.of(5000, 100, 3, false, "pngload", 500, 10))
        .isEqualTo(5000L * 100 * 3 + tail(500, 10, 3));
  }

  @Test
  void sixteenBitSourcesCountTwoBytesASampleFromTheHeader() {
    ImageHeader png16 = new ImageHeader("pngload", 2000, 1000, 3, 1, 1, "rgb16", false, true);
    assertThat(MemoryEstimate.of(png16, 200, 100)).isEqualTo(2000L * 1000 * 6 + tail(200, 100, 6));
    ImageHeader jpeg = new ImageHeader("jpegload", 2000, 1000, 3, 1, 1, "srgb", false, false);
    assertThat(MemoryEstimate.of(jpeg, 200, 100))
        .isEqualTo(MemoryEstimate.of(2000, 1000, 3, false, "jpegload", 200, 100));
  }

  @Test
  void missingVariantSidesFollowTheAspectRatioOrTheSource() {
    assertThat(MemoryEstimate.of(2000, 1000, 3, true, "webpload", 0, 0))
        .isEqualTo(2000L * 1000 * 3 + tail(2000, 1000, 3));
    assertThat(MemoryEstimate.of(2000, 1000, 3, true, "webpload", 0, 100))
        .isEqualTo(2000L * 1000 * 3 + tail(200, 100, 3));
  }

  @Test
  void aVariantLargerThanTheSourceIsCountedAtItsSizeForTheOutput() {
    assertThat(MemoryEstimate.of(100, 100, 3, false, "jpegload", 1000, 1000))
        .isEqualTo(100L * 100 * 3 + tail(1000, 1000, 3));
  }

  @Test
  void forVariantsTakesTheLargestWidthAndHeightInStoredOrientation() {
    List<Variant> variants =
        List.of(
            new Variant("s", 400, null, Fit.INSIDE, List.of(Format.WEBP)),
            new Variant("l", 1200, null, Fit.INSIDE, List.of(Format.AVIF)),
            new Variant("box", 300, 300, Fit.COVER, List.of(Format.PNG)));
    ImageHeader upright = new ImageHeader("jpegload", 5120, 2880, 3, 1, 1, "srgb", false, false);
    assertThat(MemoryEstimate.forVariants(upright, true, variants))
        .isEqualTo(MemoryEstimate.of(5120, 2880, 3, false, "jpegload", 1200, 300));
    // EXIF orientation 6: stored 2880x5120, displayed 5120x2880; the targets turn with it.
    ImageHeader rotated = new ImageHeader("jpegload", 2880, 5120, 3, 1, 6, "srgb", false, false);
    assertThat(MemoryEstimate.forVariants(rotated, true, variants))
        .isEqualTo(MemoryEstimate.of(2880, 5120, 3, false, "jpegload", 300, 1200));
    assertThat(MemoryEstimate.forVariants(rotated, false, variants))
        .isEqualTo(MemoryEstimate.of(2880, 5120, 3, false, "jpegload", 1200, 300));
  }

  @Test
  void nonsenseDimensionsAreRefused() {
    assertThatThrownBy(() -> MemoryEstimate.of(0, 10, 3, false, "jpegload", 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no image is 0x10x3 (1 B)");
  }
}
