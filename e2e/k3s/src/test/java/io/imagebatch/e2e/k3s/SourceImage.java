package io.imagebatch.e2e.k3s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** A real image from the repository's examples, and its object key (its path under the dir). */
record SourceImage(String key, Path file) {

  /** The images under dir (jpg, jpeg, png), keys '/'-separated, in a stable order. */
  static List<SourceImage> in(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(SourceImage::isImage)
          .map(f -> new SourceImage(dir.relativize(f).toString().replace('\\', '/'), f))
          .sorted((a, b) -> a.key().compareTo(b.key()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The key "{dir}/{stem}-{variant}.{format}" (the default pathTemplate) gives under prefix. */
  String variantKey(String prefix, String variant, String format) {
    int slash = key.lastIndexOf('/');
    String dir = slash < 0 ? "" : key.substring(0, slash + 1);
    String name = key.substring(slash + 1);
    String stem = name.substring(0, name.lastIndexOf('.'));
    return prefix + dir + stem + "-" + variant + "." + format;
  }

  private static boolean isImage(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png");
  }
}
