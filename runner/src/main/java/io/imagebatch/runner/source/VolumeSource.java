package io.imagebatch.runner.source;

import io.imagebatch.runner.config.Glob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Consumer;

/**
 * Lists the files of a directory (a mounted volume, or a local directory), in a stable order, one
 * at a time: a million files never sit in memory together.
 */
public final class VolumeSource implements SourceLister {
  private final Path root;
  private final Glob.Filter filter;
  private final Path skipped;

  /**
   * @param skipped a directory not to descend into, e.g. an output directory inside the source
   */
  public VolumeSource(Path root, Glob.Filter filter, Path skipped) {
    this.root = root.toAbsolutePath().normalize();
    this.filter = filter;
    this.skipped = skipped == null ? null : skipped.toAbsolutePath().normalize();
  }

  @Override
  public void forEach(Consumer<SourceRef> consumer) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              return dir.equals(skipped) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              String key = key(file);
              if (attrs.isRegularFile()
                  && !file.getFileName().toString().startsWith(".")
                  && filter.accepts(key)) {
                consumer.accept(new SourceRef(key, attrs.size(), key));
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
  }

  private String key(Path file) {
    return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }
}
