package io.imagebatch.e2e.fullflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The bundled example images, read from examples/local/images. */
final class ExampleImages {
  private ExampleImages() {}

  /** The JPEG and PNG files (what the batches' include globs select), by relative path. */
  static Map<String, byte[]> read() throws IOException {
    Path dir =
        Path.of(System.getProperty("imagebatch.examples.images", "../../examples/local/images"));
    Map<String, byte[]> images = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path file : paths.filter(Files::isRegularFile).toList()) {
        String name = dir.relativize(file).toString().replace('\\', '/');
        if (name.endsWith(".jpg") || name.endsWith(".png")) {
          images.put(name, Files.readAllBytes(file));
        }
      }
    }
    return images;
  }
}
