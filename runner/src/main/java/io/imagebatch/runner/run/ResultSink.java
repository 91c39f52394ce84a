package io.imagebatch.runner.run;

import io.imagebatch.runner.local.RunStats;
import io.imagebatch.runner.log.Log;
import io.imagebatch.runner.manifest.ManifestWriter;
import io.imagebatch.runner.pipeline.ImageResult;
import io.imagebatch.runner.progress.Progress;
import java.util.function.Consumer;

/** Where each finished image goes: the manifest, the counts, the progress display, the log. */
public final class ResultSink implements Consumer<ImageResult> {
  private final ManifestWriter manifest;
  private final RunStats stats;
  private final Progress progress;

  public ResultSink(ManifestWriter manifest, RunStats stats, Progress progress) {
    this.manifest = manifest;
    this.stats = stats;
    this.progress = progress;
  }

  @Override
  public void accept(ImageResult result) {
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
          "image done", "source", result.source(), "status", result.status(), "ms", result.ms());
    }
  }
}
