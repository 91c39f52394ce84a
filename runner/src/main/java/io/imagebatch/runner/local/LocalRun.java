package io.imagebatch.runner.local;

import io.imagebatch.api.v1alpha1.ImageBatchSpec;
import io.imagebatch.runner.ExitCode;
import io.imagebatch.runner.config.FailureBudget;
import io.imagebatch.runner.config.Glob;
import io.imagebatch.runner.config.LoadedBatch;
import io.imagebatch.runner.log.Log;
import io.imagebatch.runner.manifest.ManifestWriter;
import io.imagebatch.runner.output.StorageException;
import io.imagebatch.runner.output.VolumeOutputStore;
import io.imagebatch.runner.pipeline.FailureReason;
import io.imagebatch.runner.pipeline.ImageFailure;
import io.imagebatch.runner.pipeline.ImageProcessor;
import io.imagebatch.runner.pipeline.ImageResult;
import io.imagebatch.runner.pipeline.SourceFile;
import io.imagebatch.runner.progress.Progress;
import io.imagebatch.runner.source.Digests;
import io.imagebatch.runner.source.LocalSource;
import io.imagebatch.vips.Vips;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** `imagebatch run batch.yaml`: the whole batch on this machine, no cluster. */
public final class LocalRun {
  private final LoadedBatch batch;
  private final int concurrency;
  private final boolean terminal;
  private final PrintStream out;

  public LocalRun(LoadedBatch batch, int concurrency, boolean terminal, PrintStream out) {
    this.batch = batch;
    this.concurrency = concurrency;
    this.terminal = terminal;
    this.out = out;
  }

  /** The summary of a finished run, also what the exit code is decided from. */
  public record Summary(
      Path manifest, long total, RunStats stats, FailureBudget budget, long millis) {
    public boolean failed() {
      return budget.exceeded(stats.failed(), total);
    }
  }

  public Summary run() throws IOException {
    ImageBatchSpec spec = batch.spec();
    Path sourceRoot = batch.baseDir().resolve(spec.source().volume().path()).normalize();
    Path outputRoot = batch.baseDir().resolve(spec.output().volume().path()).normalize();
    VolumeOutputStore store = new VolumeOutputStore(outputRoot);
    ImageProcessor processor = new ImageProcessor(spec, store);
    Path manifestFile =
        outputRoot.resolve(
            "_imagebatch/" + batch.name() + "/" + batch.generation() + "/manifest/local.jsonl");
    Log.info(
        "batch starting",
        "batch",
        batch.name(),
        "source",
        sourceRoot,
        "output",
        outputRoot,
        "concurrency",
        concurrency,
        "libvips",
        Vips.get().version());
    RunStats stats = new RunStats();
    long started = System.nanoTime();
    long total;
    ExecutorService workers =
        Executors.newFixedThreadPool(concurrency, Vips.get().threadFactory("image"));
    AtomicReference<RuntimeException> fatal = new AtomicReference<>();
    try (ManifestWriter manifest = new ManifestWriter(manifestFile);
        Progress progress = new Progress(stats, terminal, System.err, Duration.ofSeconds(5))) {
      // At most two images per worker wait in the queue: listing never runs ahead of memory.
      Semaphore slots = new Semaphore(concurrency * 2);
      LocalSource source =
          new LocalSource(
              sourceRoot,
              Glob.Filter.of(spec.source().include(), spec.source().exclude()),
              outputRoot);
      long[] listed = {0};
      source.forEach(
          entry -> {
            if (fatal.get() != null) {
              return;
            }
            listed[0]++;
            progress.listed();
            slots.acquireUninterruptibly();
            workers.execute(
                () -> {
                  try {
                    ImageResult result = processOne(processor, entry);
                    reportFirstVariant(result);
                    manifest.append(result);
                    stats.add(result);
                    progress.imageDone();
                    if (result.status() == ImageResult.Status.failed) {
                      Log.warn(
                          "image failed",
                          "source",
                          result.source(),
                          "reason",
                          result.reason(),
                          "message",
                          result.message());
                    } else {
                      Log.debug(
                          "image done",
                          "source",
                          result.source(),
                          "status",
                          result.status(),
                          "ms",
                          result.ms());
                    }
                  } catch (RuntimeException e) {
                    fatal.compareAndSet(null, e);
                  } finally {
                    slots.release();
                  }
                });
          });
      progress.listingDone();
      total = listed[0];
      workers.shutdown();
      awaitQuietly(workers);
    } finally {
      workers.shutdownNow();
    }
    if (fatal.get() != null) {
      throw fatal.get();
    }
    Summary summary =
        new Summary(
            manifestFile,
            total,
            stats,
            FailureBudget.parse(spec.execution().maxFailedImages()),
            (System.nanoTime() - started) / 1_000_000);
    report(summary);
    return summary;
  }

  private final java.util.concurrent.atomic.AtomicBoolean firstVariantSeen =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** Start-up cost as users feel it: from JVM start to the first variant on disk. */
  private void reportFirstVariant(ImageResult result) {
    boolean wrote =
        result.variants().stream()
            .anyMatch(v -> v.status() == ImageResult.VariantStatus.written);
    if (wrote && firstVariantSeen.compareAndSet(false, true)) {
      ProcessHandle.current()
          .info()
          .startInstant()
          .ifPresent(
              start ->
                  Log.info(
                      "first variant written",
                      "firstVariantMs",
                      java.time.Duration.between(start, java.time.Instant.now()).toMillis()));
    }
  }

  public static ExitCode exitCode(Summary summary) {
    return summary.failed() ? ExitCode.BATCH_FAILED : ExitCode.OK;
  }

  private ImageResult processOne(ImageProcessor processor, LocalSource.Entry entry) {
    if (entry.size() > processor.maxInputBytes() || entry.size() == 0) {
      // No need to hash what the processor refuses on size alone.
      return processor.process(new SourceFile(entry.key(), entry.file(), entry.size(), ""));
    }
    try {
      return processor.process(
          new SourceFile(entry.key(), entry.file(), entry.size(), Digests.sha256(entry.file())));
    } catch (IOException e) {
      return ImageResult.failed(
          entry.key(),
          entry.size(),
          new ImageFailure(FailureReason.ReadFailed, "cannot read " + entry.file() + ": " + e),
          0);
    } catch (StorageException e) {
      throw e;
    }
  }

  private void report(Summary summary) {
    RunStats stats = summary.stats();
    long allowed = summary.budget().allowed(summary.total());
    Log.info(
        "batch finished",
        "batch",
        batch.name(),
        "images",
        summary.total(),
        "succeeded",
        stats.succeeded(),
        "failed",
        stats.failed(),
        "skipped",
        stats.skipped(),
        "variantsWritten",
        stats.written(),
        "bytesIn",
        stats.bytesIn(),
        "bytesOut",
        stats.bytesOut(),
        "seconds",
        summary.millis() / 1000.0,
        "manifest",
        summary.manifest().toString(),
        "result",
        summary.failed() ? "Failed" : "Succeeded");
    if (Log.get().format() == Log.Format.TEXT) {
      out.printf(
          "%n%s: %d images, %d succeeded, %d failed, %d skipped (up to date); %d variants"
              + " written, %s in, %s out, %.1f s%nmanifest: %s%n",
          batch.name(),
          summary.total(),
          stats.succeeded(),
          stats.failed(),
          stats.skipped(),
          stats.written(),
          human(stats.bytesIn()),
          human(stats.bytesOut()),
          summary.millis() / 1000.0,
          summary.manifest());
      for (ImageResult failure : stats.firstFailures()) {
        out.printf("  failed %s: %s %s%n", failure.source(), failure.reason(), failure.message());
      }
    }
    if (summary.failed()) {
      String message =
          "batch failed: "
              + stats.failed()
              + " images failed, maxFailedImages ("
              + summary.budget()
              + ") allows "
              + allowed;
      Log.error(message, "batch", batch.name());
      if (Log.get().format() == Log.Format.TEXT) {
        out.println(message);
      }
    }
  }

  private static String human(long bytes) {
    if (bytes < 1024 * 1024) {
      return String.format("%.1f KiB", bytes / 1024.0);
    }
    return String.format("%.1f MiB", bytes / (1024.0 * 1024));
  }

  private static void awaitQuietly(ExecutorService workers) {
    try {
      while (!workers.awaitTermination(1, TimeUnit.HOURS)) {
        // a batch may take longer than an hour; keep waiting
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
