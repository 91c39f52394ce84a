package io.imagebatch.vips;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A seeded mutation campaign, generated at test time and never committed: valid images of every
 * format this libvips can write (progressive JPEG, interlaced PNG, WebP, AVIF, tiled TIFF, GIF,
 * HEIC and JPEG XL where the build has their savers), each cut, flipped, spliced or repeated.
 */
public final class FuzzCorpus {
  /** What was done to a seed; part of each file's name, so a finding says how to make it again. */
  public enum Mutation {
    FLIP,
    TRUNCATE,
    SPLICE,
    DUPLICATE
  }

  private FuzzCorpus() {}

  /** Extension to valid encoded bytes, for every seed format this build can write. */
  public static Map<String, byte[]> seeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    try (VipsImage image = TestImages.gradient(96, 64)) {
      seeds.put("jpg", image.save(new SaveOptions.Jpeg(85, true, false)));
      seeds.put("png", image.saveBuffer("pngsave_buffer", Map.of("interlace", true)));
      seeds.put("webp", image.save(new SaveOptions.Webp(75, 4, false)));
      addIfWritable(seeds, "avif", () -> image.save(new SaveOptions.Avif(50, 9, false)));
      seeds.put(
          "tif",
          image.saveBuffer(
              "tiffsave_buffer", Map.of("tile", true, "tile_width", 32, "tile_height", 32)));
      addIfWritable(seeds, "gif", () -> image.saveBuffer("gifsave_buffer", Map.of()));
      addIfWritable(
          seeds,
          "heic",
          () -> image.saveBuffer("heifsave_buffer", Map.of("compression", "hevc", "Q", 50)));
      addIfWritable(seeds, "jxl", () -> image.saveBuffer("jxlsave_buffer", Map.of()));
    }
    return seeds;
  }

  /** One mutant of {@code seed}; the same random state always gives the same bytes. */
  public static byte[] mutate(byte[] seed, Mutation mutation, Random random) {
    return switch (mutation) {
      case FLIP -> {
        byte[] copy = seed.clone();
        int flips = 1 + random.nextInt(8);
        for (int i = 0; i < flips; i++) {
          copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
        }
        yield copy;
      }
      case TRUNCATE -> Arrays.copyOf(seed, 1 + random.nextInt(seed.length - 1));
      case SPLICE -> {
        byte[] copy = seed.clone();
        int at = random.nextInt(copy.length);
        int length = Math.min(copy.length - at, 1 + random.nextInt(64));
        byte[] noise = new byte[length];
        random.nextBytes(noise);
        System.arraycopy(noise, 0, copy, at, length);
        yield copy;
      }
      case DUPLICATE -> {
        int from = random.nextInt(seed.length);
        int length = Math.min(seed.length - from, 1 + random.nextInt(256));
        int to = random.nextInt(seed.length);
        byte[] copy = new byte[seed.length + length];
        System.arraycopy(seed, 0, copy, 0, to);
        System.arraycopy(seed, from, copy, to, length);
        System.arraycopy(seed, to, copy, to + length, seed.length - to);
        yield copy;
      }
    };
  }

  private interface Encoder {
    byte[] encode();
  }

  private static void addIfWritable(Map<String, byte[]> seeds, String extension, Encoder encoder) {
    try {
      seeds.put(extension, encoder.encode());
    } catch (VipsException e) {
      // This build cannot write the format (no saver, or no encoder behind it): no such seeds.
      Vips.get().clearErrors();
    }
  }
}
