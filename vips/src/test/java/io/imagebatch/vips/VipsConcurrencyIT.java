package io.imagebatch.vips;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Many images in parallel on one libvips: every result right, every failure its own. */
class VipsConcurrencyIT {
  @Test
  void parallelImagesAndFailuresDoNotMix() throws Exception {
    Vips vips = Vips.get();
    byte[] good = TestImages.jpeg(1200, 800);
    byte[] bad = TestImages.text();
    ExecutorService pool = Executors.newFixedThreadPool(8, vips.threadFactory("test"));
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int width = 100 + i;
        boolean fail = i % 5 == 0;
        results.add(
            pool.submit(
                () -> {
                  if (fail) {
                    try (VipsImage image = VipsImage.open(bad, FailOn.WARNING)) {
                      return "opened?";
                    } catch (VipsException e) {
                      return e.getMessage().contains("buffer") ? "failed" : e.getMessage();
                    }
                  }
                  ThumbnailOptions options =
                      new ThumbnailOptions(
                          width,
                          ThumbnailOptions.UNBOUNDED,
                          ThumbnailOptions.Size.DOWN,
                          ThumbnailOptions.Crop.NONE,
                          true,
                          null,
                          null,
                          FailOn.WARNING);
                  try (VipsImage thumb = VipsImage.thumbnail(good, options)) {
                    thumb.save(new SaveOptions.Png(1, true));
                    return thumb.width() == width ? "ok" : "wrong width " + thumb.width();
                  }
                }));
      }
      for (int i = 0; i < results.size(); i++) {
        assertThat(results.get(i).get()).isEqualTo(i % 5 == 0 ? "failed" : "ok");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * libvips has one process-wide error buffer, so when two threads fail at once one may take both
   * texts. "Not an image" must still be told from "a broken image" for every single input.
   */
  @Test
  void unknownFormatsAreTypedEvenWhenFailuresOverlap() throws Exception {
    Vips vips = Vips.get();
    byte[] notAnImage = TestImages.randomBytes(2048, 3);
    byte[] truncated = TestImages.truncatedJpeg(800, 600);
    ThumbnailOptions strict =
        new ThumbnailOptions(
            200,
            ThumbnailOptions.UNBOUNDED,
            ThumbnailOptions.Size.DOWN,
            ThumbnailOptions.Crop.NONE,
            true,
            null,
            null,
            FailOn.WARNING);
    ExecutorService pool = Executors.newFixedThreadPool(8, vips.threadFactory("test"));
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        boolean unknown = i % 2 == 0;
        results.add(
            pool.submit(
                () -> {
                  try (VipsImage image =
                      unknown
                          ? VipsImage.open(notAnImage, FailOn.WARNING)
                          : VipsImage.thumbnail(truncated, strict)) {
                    image.save(new SaveOptions.Png(1, true));
                    return "no failure";
                  } catch (UnknownFormatException e) {
                    return "unknown";
                  } catch (VipsException e) {
                    return "broken";
                  }
                }));
      }
      for (int i = 0; i < results.size(); i++) {
        assertThat(results.get(i).get())
            .as("input %d", i)
            .isEqualTo(i % 2 == 0 ? "unknown" : "broken");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
