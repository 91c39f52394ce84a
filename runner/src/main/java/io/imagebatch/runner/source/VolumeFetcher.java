package io.imagebatch.runner.source;

import io.imagebatch.runner.pipeline.FailureReason;
import io.imagebatch.runner.pipeline.ImageFailure;
import io.imagebatch.runner.pipeline.SourceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files of a mounted volume or local directory are read in place; only hashed. A file reached
 * through a symbolic link must still lie within the source root.
 */
public final class VolumeFetcher implements SourceFetcher {
  private final Path root;

  public VolumeFetcher(Path root) {
    this.root = root;
  }

  @Override
  public SourceFile fetch(SourceRef ref, long maxBytes) throws ImageFailure {
    Path file = root.resolve(ref.location()).normalize();
    if (!file.startsWith(root)) {
      throw new ImageFailure(
          FailureReason.SourceRefused, ref.location() + " is outside the source volume");
    }
    Path realRoot = VolumeSource.real(root);
    Path real = VolumeSource.real(file);
    if (!real.startsWith(realRoot)) {
      throw new ImageFailure(
          FailureReason.SourceRefused,
          ref.location() + " is a symbolic link to " + real + ", outside the source root " + root);
    }
    try {
      long size = Files.size(file);
      if (size == 0 || size > maxBytes) {
        // The processor refuses these on size alone; no need to read them.
        return new SourceFile(ref.key(), file, size, "");
      }
      return new SourceFile(ref.key(), file, size, Digests.sha256(file));
    } catch (IOException e) {
      throw new ImageFailure(FailureReason.ReadFailed, "cannot read " + file + ": " + e, e);
    }
  }
}
