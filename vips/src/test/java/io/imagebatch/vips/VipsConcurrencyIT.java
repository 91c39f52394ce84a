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
}
