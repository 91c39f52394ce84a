package io.imagebatch.vips;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Thousands of real operations: libvips' object count and the process RSS must stay flat. */
class VipsLeakIT {
  private static final int ROUNDS = 800;

  @Test
  void objectsAndResidentMemoryStayFlat() throws IOException {
    Vips vips = Vips.get();
    byte[] jpeg = TestImages.jpeg(800, 600);
    byte[] bad = TestImages.truncatedJpeg(800, 600);
    ThumbnailOptions options =
        new ThumbnailOptions(
            200,
            ThumbnailOptions.UNBOUNDED,
            ThumbnailOptions.Size.DOWN,
            ThumbnailOptions.Crop.NONE,
            true,
            "srgb",
            null,
            FailOn.WARNING);
    cycle(jpeg, bad, options, 200); // warm up malloc arenas, libvips' pools and the JIT
    int objectsBefore = vips.objectCount();
    long rssBefore = rssKib();

    cycle(jpeg, bad, options, ROUNDS);

    assertThat(vips.objectCount()).isEqualTo(objectsBefore);
    assertThat(vips.trackedMemory()).isLessThan(1024 * 1024);
    // A leak of one 200x150 thumbnail per round would add ~70 MB here; the Java heap's garbage
    // is collected before each reading so only native memory counts.
    assertThat(rssKib() - rssBefore).isLessThan(24 * 1024);
  }

  private static void cycle(byte[] jpeg, byte[] bad, ThumbnailOptions options, int rounds) {
    for (int i = 0; i < rounds; i++) {
      try (VipsImage thumb = VipsImage.thumbnail(jpeg, options);
          VipsImage memory = thumb.copyMemory()) {
        memory.save(new SaveOptions.Webp(80, 0, true));
        memory.save(new SaveOptions.Jpeg(80, false, true));
      }
      try (VipsImage broken = VipsImage.thumbnail(bad, options)) {
        broken.copyMemory().close();
      } catch (VipsException expected) {
        // the error path must release everything too
      }
    }
  }

  private static long rssKib() throws IOException {
    System.gc();
    return Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(line -> line.startsWith("VmRSS:"))
        .map(line -> Long.parseLong(line.replaceAll("\\D", "")))
        .findFirst()
        .orElseThrow();
  }
}
