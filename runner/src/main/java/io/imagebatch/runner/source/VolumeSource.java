package io.imagebatch.runner.source;

import io.imagebatch.runner.config.Glob;
import io.imagebatch.runner.log.Log;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.function.Consumer;

/**
 * Lists the files of a directory (a mounted volume, or a local directory), in a stable order, one
 * at a time: a million files never sit in memory together.
 *
 * <p>Symbolic links: a root that is a link is followed (it is what the user named). Links inside
 * the tree are followed while they stay within the root, with a loop guard; a link that leads
 * outside is listed under its own name, and fetching it fails with {@code SourceRefused} (see
 * {@link VolumeFetcher}), so it shows in the manifest instead of silently widening the source.
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
    this.skipped = skipped == null ? null : real(skipped.toAbsolutePath().normalize());
  }

  @Override
  public void forEach(Consumer<SourceRef> consumer) {
    Path start = real(root);
    long[] listed = {0};
    try {
      Files.walkFileTree(
          start,
          EnumSet.of(FileVisitOption.FOLLOW_LINKS),
          Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (dir.equals(skipped) || real(dir).equals(skipped)) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              if (!real(dir).startsWith(start)) {
                // A link out of the source: never walked, but listed whatever the globs say
                // (they are for files), so the refusal when it is fetched is in the manifest.
                listed[0]++;
                String key = key(start, dir);
                consumer.accept(new SourceRef(key, 0, key));
                return FileVisitResult.SKIP_SUBTREE;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile() && !file.getFileName().toString().startsWith(".")) {
                emit(file, attrs.size());
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (e instanceof FileSystemLoopException) {
                Log.warn(
                    "symbolic link loop not followed", "link", key(start, file), "source", root);
                return FileVisitResult.CONTINUE;
              }
              throw e;
            }

            private void emit(Path file, long size) {
              String key = key(start, file);
              if (filter.accepts(key)) {
                listed[0]++;
                consumer.accept(new SourceRef(key, size, key));
              }
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    if (listed[0] == 0) {
      Log.warn(
          "no source file matches",
          "directory",
          root,
          "include",
          filter.include().toString(),
          "exclude",
          filter.exclude().toString());
    }
  }

  private static String key(Path start, Path file) {
    return start.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }

  /** The path with every link resolved; the path itself when it does not exist (yet). */
  static Path real(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path;
    }
  }
}
