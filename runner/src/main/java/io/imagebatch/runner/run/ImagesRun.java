package io.imagebatch.runner.run;

import io.imagebatch.runner.config.LoadedBatch;
import io.imagebatch.runner.local.RunStats;
import io.imagebatch.runner.manifest.ManifestWriter;
import io.imagebatch.runner.pipeline.ImageProcessor;
import io.imagebatch.runner.progress.Progress;
import io.imagebatch.runner.source.SourceRef;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Runs a stream of sources through fetch, process and the manifest, with progress, and copies the
 * finished manifest into the output store. Shared by a local run and a shard.
 */
public final class ImagesRun {
  private ImagesRun() {}

  /** What a run did: how many sources it was given, and what became of them. */
  public record Outcome(long total, RunStats stats) {}

  /**
   * @param sources calls its argument once per source, e.g. a lister or a shard plan
   */
  public static Outcome run(
      LoadedBatch batch,
      Storage storage,
      int concurrency,
      boolean terminal,
      Path scratch,
      String manifestPath,
      Consumer<Consumer<SourceRef>> sources)
      throws IOException {
    RunStats stats = new RunStats();
    long[] total = {0};
    Path manifestFile = scratch.resolve("manifest.jsonl");
    try (ManifestWriter manifest = new ManifestWriter(manifestFile);
        Progress progress = new Progress(stats, terminal, System.err, Duration.ofSeconds(5));
        ParallelImages images =
            new ParallelImages(
                concurrency,
                storage.fetcher(),
                new ImageProcessor(batch.spec(), storage.output()),
                new ResultSink(manifest, stats, progress))) {
      sources.accept(
          ref -> {
            total[0]++;
            progress.listed();
            images.submit(ref);
          });
      progress.listingDone();
      images.finish();
    }
    storage.output().writeFile(manifestPath, manifestFile, "application/x-ndjson");
    return new Outcome(total[0], stats);
  }
}
