package io.imagebatch.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes ImageBatch YAML files for tests: a spec body under a fixed header. */
public final class BatchYaml {
  private BatchYaml() {}

  public static Path write(Path dir, String spec) {
    return write(dir, "batch.yaml", spec);
  }

  public static Path write(Path dir, String fileName, String spec) {
    String yaml =
        """
        apiVersion: imagebatch.io/v1alpha1
        kind: ImageBatch
        metadata:
          name: test
        spec:
        """
            + spec.stripIndent().lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n");
    try {
      Files.createDirectories(dir);
      return Files.writeString(dir.resolve(fileName), yaml);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
