package io.imagebatch.vips;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VipsImageTest {
  private static final ThumbnailOptions INSIDE_400 =
      new ThumbnailOptions(
          400,
          ThumbnailOptions.UNBOUNDED,
          ThumbnailOptions.Size.DOWN,
          ThumbnailOptions.Crop.NONE,
          true,
          null,
          null,
          FailOn.WARNING);

  @TempDir Path dir;

  @Test
  void reportsVersionAndTheSaversEveryBuildHas() {
    Vips vips = Vips.get();
    assertThat(vips.version()).matches("8\\.\\d+\\.\\d+");
    assertThat(vips.savers()).contains(Saver.JPEG, Saver.PNG, Saver.WEBP);
    assertThat(vips.capabilities().formats()).isEqualTo(vips.savers());
    assertThat(vips.capabilities().avifTuneSsim())
        .as("an encoder that can write AVIF here takes tune, or the build has no tune to pass")
        .isEqualTo(vips.savers().contains(Saver.AVIF));
  }

  @Test
  void anUntrustedLoaderIsBlockedByDefaultBeforeItReadsAnything() {
    Assumptions.assumeTrue(
        Vips.get().hasOperation("magickload"),
        "this libvips build has no ImageMagick loader, the untrusted loader tested here");
    assertThat(Vips.get().untrustedLoadersAllowed()).isFalse();
    byte[] bmp = TestImages.bmp(8, 6);
    Path file = TestImages.write(dir.resolve("only-magick-reads-me.bmp"), bmp);

    assertThatThrownBy(() -> VipsImage.open(file, FailOn.WARNING))
        .isInstanceOfSatisfying(
            BlockedLoaderException.class, e -> assertThat(e.loader()).isEqualTo("magickload"))
        .hasMessage("load: magickload loader blocked for untrusted input");
    assertThatThrownBy(() -> VipsImage.open(bmp, FailOn.WARNING))
        .isInstanceOf(BlockedLoaderException.class)
        .hasMessage("load: magickload_buffer loader blocked for untrusted input");
  }

  @Test
  void readsTheHeaderWithoutDecoding() {
    Path file = TestImages.write(dir.resolve("a.jpg"), TestImages.jpeg(640, 480));
    try (VipsImage image = VipsImage.open(file, FailOn.WARNING)) {
      ImageHeader header = image.header();
      assertThat(header.loader()).isEqualTo("jpegload");
      assertThat(header.width()).isEqualTo(640);
      assertThat(header.height()).isEqualTo(480);
      assertThat(header.bands()).isEqualTo(3);
      assertThat(header.pages()).isEqualTo(1);
      assertThat(header.orientation()).isEqualTo(1);
      assertThat(header.interpretation()).isEqualTo("srgb");
      assertThat(header.pixels()).isEqualTo(640L * 480);
    }
  }

  @Test
  void readsTheOrientationTag() {
    byte[] jpeg = TestImages.jpegWithOrientation(300, 200, 6);
    try (VipsImage image = VipsImage.open(jpeg, FailOn.WARNING)) {
      assertThat(image.header().orientation()).isEqualTo(6);
      assertThat(image.header().swapsDimensions()).isTrue();
    }
  }

  @Test
  void thumbnailsFromFileAndFromMemoryAgree() {
    byte[] jpeg = TestImages.jpeg(1600, 1000);
    Path file = TestImages.write(dir.resolve("b.jpg"), jpeg);
    try (VipsImage fromFile = VipsImage.thumbnail(file, INSIDE_400);
        VipsImage fromMemory = VipsImage.thumbnail(jpeg, INSIDE_400)) {
      assertThat(fromFile.width()).isEqualTo(400);
      assertThat(fromFile.height()).isEqualTo(250);
      assertThat(fromMemory.width()).isEqualTo(400);
      assertThat(fromMemory.height()).isEqualTo(250);
    }
  }

  @Test
  void eachFitModeHasItsOwnGeometry() {
    byte[] jpeg = TestImages.jpeg(1600, 1000);
    try (VipsImage cover =
            VipsImage.thumbnail(
                jpeg,
                new ThumbnailOptions(
                    300,
                    300,
                    ThumbnailOptions.Size.DOWN,
                    ThumbnailOptions.Crop.CENTRE,
                    true,
                    null,
                    null,
                    FailOn.WARNING));
        VipsImage fill =
            VipsImage.thumbnail(
                jpeg,
                new ThumbnailOptions(
                    300,
                    300,
                    ThumbnailOptions.Size.FORCE,
                    ThumbnailOptions.Crop.NONE,
                    true,
                    null,
                    null,
                    FailOn.WARNING));
        VipsImage inside =
            VipsImage.thumbnail(
                jpeg,
                new ThumbnailOptions(
                    300,
                    300,
                    ThumbnailOptions.Size.DOWN,
                    ThumbnailOptions.Crop.NONE,
                    true,
                    null,
                    null,
                    FailOn.WARNING));
        VipsImage padded = inside.padCentre(300, 300, new double[] {255, 255, 255})) {
      assertThat(new int[] {cover.width(), cover.height()}).containsExactly(300, 300);
      assertThat(new int[] {fill.width(), fill.height()}).containsExactly(300, 300);
      assertThat(new int[] {inside.width(), inside.height()}).containsExactly(300, 188);
      assertThat(new int[] {padded.width(), padded.height()}).containsExactly(300, 300);
    }
  }

  @Test
  void convertsCmykToSrgb() {
    byte[] cmyk = TestImages.cmykJpeg(200, 100);
    try (VipsImage image = VipsImage.open(cmyk, FailOn.WARNING)) {
      assertThat(image.interpretation()).isEqualTo("cmyk");
    }
    try (VipsImage thumb =
        VipsImage.thumbnail(
            cmyk,
            new ThumbnailOptions(
                100,
                100,
                ThumbnailOptions.Size.DOWN,
                ThumbnailOptions.Crop.NONE,
                true,
                "srgb",
                null,
                FailOn.WARNING))) {
      assertThat(thumb.bands()).isEqualTo(3);
      assertThat(thumb.interpretation()).isEqualTo("srgb");
    }
  }

  @Test
  void savesEveryFormatItCan() {
    try (VipsImage image = TestImages.gradient(64, 48)) {
      assertThat(image.save(new SaveOptions.Webp(80, 4, true))).startsWith('R', 'I', 'F', 'F');
      assertThat(image.save(new SaveOptions.Jpeg(82, true, true)))
          .startsWith((byte) 0xFF, (byte) 0xD8);
      assertThat(image.save(new SaveOptions.Png(6, true))).startsWith((byte) 0x89, 'P', 'N', 'G');
      if (Vips.get().savers().contains(Saver.AVIF)) {
        byte[] avif = image.save(new SaveOptions.Avif(60, 4, true));
        assertThat(new String(avif, 4, 8, java.nio.charset.StandardCharsets.US_ASCII))
            .isEqualTo("ftypavif");
      }
    }
  }

  @Test
  void aFailureCarriesLibvipsTextAndClearsTheBuffer() {
    Path text = TestImages.write(dir.resolve("text.jpg"), TestImages.text());
    assertThatThrownBy(() -> VipsImage.open(text, FailOn.WARNING))
        .isInstanceOf(UnknownFormatException.class)
        .hasMessageContaining("text.jpg")
        .hasMessageContaining("not a known file format");
    // The next, different failure must not repeat the first one's text.
    assertThatThrownBy(() -> VipsImage.open(TestImages.randomBytes(64, 1), FailOn.WARNING))
        .isInstanceOf(VipsException.class)
        .hasMessageNotContaining("text.jpg");
  }

  @Test
  void failOnWarningRejectsATruncatedJpegThatNoneAccepts() {
    byte[] truncated = TestImages.truncatedJpeg(800, 600);
    ThumbnailOptions strict = INSIDE_400;
    assertThatThrownBy(
            () -> {
              try (VipsImage thumb = VipsImage.thumbnail(truncated, strict)) {
                thumb.save(new SaveOptions.Png(1, true));
              }
            })
        .isInstanceOf(VipsException.class);
    ThumbnailOptions lenient =
        new ThumbnailOptions(
            400,
            ThumbnailOptions.UNBOUNDED,
            ThumbnailOptions.Size.DOWN,
            ThumbnailOptions.Crop.NONE,
            true,
            null,
            null,
            FailOn.NONE);
    try (VipsImage thumb = VipsImage.thumbnail(truncated, lenient)) {
      assertThat(thumb.save(new SaveOptions.Png(1, true))).isNotEmpty();
    }
  }

  @Test
  void aWrongArgumentIsAJavaErrorNotACrash() {
    try (VipsImage image = TestImages.gradient(8, 8)) {
      assertThatThrownBy(() -> image.apply("linear", Map.of("a", "not numbers")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("linear argument 'a'");
      assertThatThrownBy(() -> image.apply("linear", Map.of("nonsense", 1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("linear has no argument 'nonsense'");
    }
    assertThatThrownBy(() -> VipsImage.call("no_such_operation", "out", Map.of()))
        .isInstanceOf(VipsException.class)
        .hasMessageContaining("no_such_operation");
  }

  @Test
  void aClosedImageRefusesUse() {
    VipsImage image = TestImages.gradient(8, 8);
    image.close();
    image.close(); // twice is harmless
    assertThatThrownBy(image::width).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void tracksMemoryHighWaterAndObjects() {
    Vips vips = Vips.get();
    int before = vips.objectCount();
    try (VipsImage image = TestImages.gradient(512, 512);
        VipsImage inMemory = image.copyMemory()) {
      assertThat(vips.objectCount()).isGreaterThan(before);
      assertThat(inMemory.width()).isEqualTo(512);
    }
    assertThat(vips.memoryHighWater()).isGreaterThanOrEqualTo(512L * 512 * 3);
    assertThat(vips.objectCount()).isEqualTo(before);
  }

  @Test
  void concurrencyIsConfigurable() {
    Vips vips = Vips.get();
    int original = vips.concurrency();
    try {
      vips.setConcurrency(1);
      assertThat(vips.concurrency()).isEqualTo(1);
    } finally {
      vips.setConcurrency(original);
    }
  }
}
