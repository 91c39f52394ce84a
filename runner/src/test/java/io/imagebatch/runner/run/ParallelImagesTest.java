package io.imagebatch.runner.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagebatch.runner.BatchYaml;
import io.imagebatch.runner.config.BatchFile;
import io.imagebatch.runner.config.LoadedBatch;
import io.imagebatch.runner.config.SpecValidator;
import io.imagebatch.runner.output.VolumeOutputStore;
import io.imagebatch.runner.pipeline.ImageProcessor;
import io.imagebatch.runner.pipeline.ImageResult;
import io.imagebatch.runner.pipeline.SourceFile;
import io.imagebatch.runner.source.Digests;
import io.imagebatch.runner.source.SourceFetcher;
import io.imagebatch.runner.source.SourceRef;
import io.imagebatch.vips.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whatever goes wrong with one source is that source's failure; the others are processed. */
class ParallelImagesTest {
  @TempDir Path dir;

  private final List<String> fetched = new CopyOnWriteArrayList<>();
  private final Map<String, ImageResult> results = new ConcurrentHashMap<>();

  @Test
  void anS3KeyWithDotDotSegmentsIsRefusedBeforeItIsFetched() throws Exception {
    run(
        new SourceRef("a/../../x.jpg", 100, "photos/a/../../x.jpg"),
        new SourceRef("a/b/../../../y.jpg", 100, "photos/a/b/../../../y.jpg"),
        new SourceRef("fine.jpg", 100, "photos/fine.jpg"));

    assertThat(fetched).containsExactly("photos/fine.jpg");
    assertFailure(
        "a/../../x.jpg", "SourceRefused: source key a/../../x.jpg escapes the output root");
    assertFailure(
        "a/b/../../../y.jpg",
        "SourceRefused: source key a/b/../../../y.jpg escapes the output root");
    assertThat(results.get("fine.jpg").status()).isEqualTo(ImageResult.Status.succeeded);
    assertThat(dir.resolve("out/fine-t.webp")).exists();
  }

  @Test
  void anUnexpectedExceptionWhileFetchingIsThatSourcesFailure() throws Exception {
    run(
        new SourceRef("explodes.jpg", 100, "throw"),
        new SourceRef("fine.jpg", 100, "photos/fine.jpg"));

    assertFailure(
        "explodes.jpg", "InternalError: unexpected IllegalStateException: the fetcher broke");
    assertThat(results.get("fine.jpg").status()).isEqualTo(ImageResult.Status.succeeded);
  }

  private void run(SourceRef... refs) throws IOException {
    Path image = TestImages.write(dir.resolve("in/fine.jpg"), TestImages.jpeg(64, 48));
    long size = Files.size(image);
    String sha256 = Digests.sha256(image);
    LoadedBatch batch =
        BatchFile.load(
            BatchYaml.write(
                dir,
                """
                source: { volume: { path: in/ } }
                variants:
                  - { name: t, width: 32, formats: [webp] }
                output: { volume: { path: out/ } }
                """),
            SpecValidator.Mode.LOCAL);
    SourceFetcher fetcher =
        (ref, maxBytes) -> {
          if (ref.location().equals("throw")) {
            throw new IllegalStateException("the fetcher broke");
          }
          fetched.add(ref.location());
          return new SourceFile(ref.key(), image, size, sha256);
        };
    ImageProcessor processor =
        new ImageProcessor(batch.spec(), new VolumeOutputStore(dir.resolve("out")));
    try (ParallelImages images =
        new ParallelImages(2, fetcher, processor, r -> results.put(r.source(), r))) {
      for (SourceRef ref : refs) {
        images.submit(ref);
      }
      images.finish();
    }
    assertThat(results).hasSize(refs.length);
  }

  private void assertFailure(String source, String reasonAndMessage) {
    ImageResult result = results.get(source);
    assertThat(result.status()).isEqualTo(ImageResult.Status.failed);
    assertThat(result.reason() + ": " + result.message()).isEqualTo(reasonAndMessage);
  }
}
