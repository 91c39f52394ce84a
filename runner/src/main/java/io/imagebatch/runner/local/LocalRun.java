package io.imagebatch.runner.local;

import io.imagebatch.api.contract.ExitCode;
import io.imagebatch.api.contract.FailureBudget;
import io.imagebatch.runner.config.LoadedBatch;
import io.imagebatch.runner.config.SpecValidator;
import io.imagebatch.runner.log.Log;
import io.imagebatch.runner.pipeline.ImageResult;
import io.imagebatch.runner.run.BatchPaths;
import io.imagebatch.runner.run.ImagesRun;
import io.imagebatch.runner.run.Storage;
import io.imagebatch.runner.run.TempDirectory;
import io.imagebatch.vips.Vips;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

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
      String manifest, long total, RunStats stats, FailureBudget budget, long millis) {
    public boolean failed() {
      return budget.exceeded(stats.failed(), total);
    }
  }

  public Summary run() throws IOException {
    try (TempDirectory temp = TempDirectory.create(System.getenv("TMPDIR"))) {
      return run(temp.path());
    }
  }

  private Summary run(Path temp) throws IOException {
    Storage storage = Storage.open(batch, SpecValidator.Mode.LOCAL, System.getenv(), temp);
    String manifestPath = BatchPaths.of(batch).localManifest();
    Log.info(
        "batch starting",
        "batch",
        batch.name(),
        "output",
        storage.output().locate(""),
        "concurrency",
        concurrency,
        "libvips",
        Vips.get().version());
    long started = System.nanoTime();
    ImagesRun.Outcome outcome =
        ImagesRun.run(
            batch, storage, concurrency, terminal, temp, manifestPath, storage.lister()::forEach);
    Summary summary =
        new Summary(
            storage.output().locate(manifestPath),
            outcome.total(),
            outcome.stats(),
            FailureBudget.parse(batch.spec().execution().maxFailedImages()),
            (System.nanoTime() - started) / 1_000_000);
    report(summary);
    return summary;
  }

  public static ExitCode exitCode(Summary summary) {
    return summary.failed() ? ExitCode.BATCH_FAILED : ExitCode.OK;
  }

  private void report(Summary summary) {
    RunStats stats = summary.stats();
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
        summary.manifest(),
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
              + summary.budget().allowed(summary.total());
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
}
