package io.imagebatch.e2e.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The shared corpus of real photos (30 wallpapers, 2560x1600 to 5120x2880), fetched once. */
final class Corpus {
  private Corpus() {}

  /** The first {@code count} images, by name. */
  static List<Path> images(int count) throws IOException, InterruptedException {
    Path cache = Path.of(System.getProperty("user.home"), ".cache/imagebatch/corpus");
    Path script = RealCluster.repoRoot().resolveSibling("shared").resolve("corpus/fetch.sh");
    if (!Files.exists(script)) {
      script = Path.of("/work/shared/corpus/fetch.sh");
    }
    Process fetch =
        new ProcessBuilder("bash", script.toString(), cache.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!fetch.waitFor(10, TimeUnit.MINUTES) || fetch.exitValue() != 0) {
      fetch.destroyForcibly();
      throw new IllegalStateException("the corpus is unavailable: " + script + " " + cache);
    }
    try (Stream<Path> files = Files.list(cache)) {
      return files
          .filter(
              p -> {
                String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return name.endsWith(".jpg") || name.endsWith(".png");
              })
          .sorted()
          .limit(count)
          .toList();
    }
  }
}
