package io.imagebatch.runner.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every ImageBatch under examples/ stays valid: the examples are documentation that runs. */
class ExamplesTest {
  private static final Path EXAMPLES = Path.of("..", "examples");

  @Test
  void everyExampleBatchIsValid() throws IOException {
    List<Path> batches;
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      batches =
          files
              .filter(p -> p.toString().endsWith(".yaml"))
              .filter(ExamplesTest::isImageBatch)
              .toList();
    }
    assertThat(batches).hasSizeGreaterThanOrEqualTo(4);
    for (Path batch : batches) {
      SpecValidator.Mode mode =
          batch.startsWith(EXAMPLES.resolve("local"))
              ? SpecValidator.Mode.LOCAL
              : SpecValidator.Mode.CLUSTER;
      assertThat(BatchFile.load(batch, mode).name()).as(batch.toString()).isNotBlank();
    }
  }

  private static boolean isImageBatch(Path file) {
    try {
      return Files.readString(file).contains("\nkind: ImageBatch");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
