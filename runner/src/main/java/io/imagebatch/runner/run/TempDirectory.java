package io.imagebatch.runner.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A run's scratch directory (downloads, manifests in progress), deleted when the run ends. */
public final class TempDirectory implements AutoCloseable {
  private final Path path;

  private TempDirectory(Path path) {
    this.path = path;
  }

  /** Under {@code TMPDIR} when given (a pod's emptyDir), else the JVM's temporary directory. */
  public static TempDirectory create(String tmpdir) throws IOException {
    Path base = Path.of(tmpdir == null ? System.getProperty("java.io.tmpdir") : tmpdir);
    return new TempDirectory(
        Files.createTempDirectory(Files.createDirectories(base), "imagebatch-"));
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(path)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean up " + path, e);
    }
  }
}
