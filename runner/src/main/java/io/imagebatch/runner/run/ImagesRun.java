package io.imagebatch.runner.run;

import io.imagebatch.runner.config.LoadedBatch;
import io.imagebatch.runner.isolation.Journal;
import io.imagebatch.runner.local.RunStats;
import io.imagebatch.runner.manifest.ManifestWriter;
import io.imagebatch.runner.pipeline.ImageProcessor;
import io.imagebatch.runner.pipeline.ImageResult;
import io.imagebatch.runner.pipeline.LibvipsWarnings;
import io.imagebatch.runner.progress.Progress;
import io.imagebatch.runner.source.SourceRef;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs a stream of sources through fetch, process and the manifest, with progress, and copies the
 * finished manifest into the output store. Shared by a local run and a shard.
 *
 * <p>In a supervised worker the manifest lives in the run's {@link Journal}: a worker that follows
 * a crashed one counts what is recorded there, retries the crash's suspects one at a time, then
 * goes on with the sources nobody finished.
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
    Optional<Journal> journal = Journal.fromEnvironment(System.getenv());
    RunStats stats = new RunStats();
    Set<String> finished = new HashSet<>();
    for (ImageResult earlier : journal.map(Journal::recorded).orElse(List.of())) {
      finished.add(earlier.source());
      stats.add(earlier);
    }
    List<SourceRef> suspects =
        journal.map(Journal::suspects).orElse(List.of()).stream()
            .filter(ref -> !finished.contains(ref.key()))
            .toList();
    suspects.forEach(ref -> finished.add(ref.key()));
    long[] total = {0};
    Path manifestFile = journal.map(Journal::manifest).orElse(scratch.resolve("manifest.jsonl"));
    ImageProcessor processor =
        new ImageProcessor(batch.spec(), storage.output(), StartupClock.EVENTS);
    LibvipsWarnings.install();
    try (ManifestWriter manifest = new ManifestWriter(manifestFile, journal.isPresent());
        Progress progress = new Progress(stats, terminal, System.err, Duration.ofSeconds(5))) {
      ResultSink sink = new ResultSink(manifest, stats, progress);
      if (!suspects.isEmpty()) {
        // One at a time, before anything else: if one brings the worker down again, it alone did.
        try (ParallelImages alone =
            new ParallelImages(
                1, storage.fetcher(), processor, ref -> journal.get().started(ref, true), sink)) {
          suspects.forEach(alone::submit);
          alone.finish();
        }
      }
      try (ParallelImages images =
          new ParallelImages(
              concurrency,
              storage.fetcher(),
              processor,
              ref -> journal.ifPresent(j -> j.started(ref, false)),
              sink)) {
        sources.accept(
            ref -> {
              total[0]++;
              progress.listed();
              if (!finished.contains(ref.key())) {
                images.submit(ref);
              }
            });
        progress.listingDone();
        images.finish();
      }
    }
    LibvipsWarnings.logCounts();
    storage.output().writeFile(manifestPath, manifestFile, "application/x-ndjson");
    return new Outcome(total[0], stats);
  }
}
