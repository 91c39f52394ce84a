package io.imagebatch.runner.output;

import io.imagebatch.api.v1alpha1.Format;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Optional;
import java.util.UUID;

/**
 * Variants in a directory: a volume in a pod, or a local directory. Each file is written to a
 * temporary name in its own directory and renamed into place, so no reader ever sees a partial
 * file. The fingerprint is a user extended attribute where the file system has them, else a sidecar
 * under {@code _imagebatch/fingerprints/}.
 */
public final class VolumeOutputStore implements OutputStore {
  private static final String ATTRIBUTE = "imagebatch.fingerprint";
  private static final String SIDECARS = "_imagebatch/fingerprints/";
  private static final String TEMP = "_imagebatch/tmp";

  private final Path root;
  private final boolean xattrs;

  public VolumeOutputStore(Path root) throws IOException {
    this(root, probeXattrs(root));
  }

  /** For tests: force the sidecar fallback. */
  public VolumeOutputStore(Path root, boolean useXattrs) throws IOException {
    this.root = Files.createDirectories(root);
    this.xattrs = useXattrs;
  }

  public boolean usesXattrs() {
    return xattrs;
  }

  @Override
  public Optional<String> fingerprint(String path) throws IOException {
    Path file = resolve(path);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    if (!xattrs) {
      Path sidecar = resolve(SIDECARS + path + ".fp");
      return Files.exists(sidecar) ? Optional.of(Files.readString(sidecar)) : Optional.empty();
    }
    UserDefinedFileAttributeView view = view(file);
    if (!view.list().contains(ATTRIBUTE)) {
      return Optional.empty();
    }
    ByteBuffer buffer = ByteBuffer.allocate(view.size(ATTRIBUTE));
    view.read(ATTRIBUTE, buffer);
    return Optional.of(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
  }

  @Override
  public boolean exists(String path) {
    return Files.exists(resolve(path));
  }

  @Override
  public void write(String path, byte[] data, Format format, String fingerprint)
      throws IOException {
    Path target = resolve(path);
    Path temp = temporarySibling(target);
    try {
      Files.write(temp, data);
      if (xattrs) {
        view(temp).write(ATTRIBUTE, ByteBuffer.wrap(fingerprint.getBytes(StandardCharsets.UTF_8)));
      }
      move(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
    if (!xattrs) {
      // Written after the image: a crash in between leaves an image without a current
      // fingerprint, which only costs a re-encode, never a stale skip.
      writeText(SIDECARS + path + ".fp", fingerprint);
    }
  }

  @Override
  public void writeText(String path, String text) throws IOException {
    Path target = resolve(path);
    Path temp = temporarySibling(target);
    try {
      Files.writeString(temp, text);
      move(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public void writeFile(String path, Path local, String contentType) throws IOException {
    Path target = resolve(path);
    Path temp = temporarySibling(target);
    try {
      Files.copy(local, temp, StandardCopyOption.REPLACE_EXISTING);
      move(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public Optional<String> readText(String path) throws IOException {
    Path file = resolve(path);
    return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
  }

  @Override
  public String locate(String path) {
    return resolve(path).toString();
  }

  public Path root() {
    return root;
  }

  private Path resolve(String path) {
    Path resolved = root.resolve(path).normalize();
    if (!resolved.startsWith(root)) {
      throw new IllegalArgumentException(path + " escapes the output directory");
    }
    return resolved;
  }

  /**
   * Temporary files live in {@code _imagebatch/tmp/} of the same file system, so a writer killed
   * mid-write leaves nothing beside the outputs; the next run clears what it finds there.
   */
  private Path temporarySibling(Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = Files.createDirectories(root.resolve(TEMP));
    return tmp.resolve(UUID.randomUUID() + ".tmp");
  }

  /** Removes temporary files a killed writer left behind. */
  public void clearStaleTemporaries() throws IOException {
    Path tmp = root.resolve(TEMP);
    if (Files.isDirectory(tmp)) {
      try (var files = Files.list(tmp)) {
        for (Path file : files.toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private static void move(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the output file system cannot rename atomically: " + target, e);
    }
  }

  private static UserDefinedFileAttributeView view(Path file) throws IOException {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
    if (view == null) {
      throw new IOException("no extended attributes on " + file);
    }
    return view;
  }

  private static boolean probeXattrs(Path root) throws IOException {
    Files.createDirectories(root);
    Path probe = root.resolve(".imagebatch-xattr-probe-" + UUID.randomUUID());
    try {
      Files.write(probe, new byte[0]);
      UserDefinedFileAttributeView view =
          Files.getFileAttributeView(probe, UserDefinedFileAttributeView.class);
      if (view == null) {
        return false;
      }
      view.write(ATTRIBUTE, ByteBuffer.wrap(new byte[] {1}));
      return view.list().contains(ATTRIBUTE);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    } finally {
      Files.deleteIfExists(probe);
    }
  }
}
