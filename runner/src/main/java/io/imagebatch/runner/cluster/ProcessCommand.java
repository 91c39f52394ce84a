package io.imagebatch.runner.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imagebatch.runner.config.FieldError;
import io.imagebatch.runner.config.InvalidSpecException;
import io.imagebatch.runner.config.LoadedBatch;
import io.imagebatch.runner.config.SpecValidator;
import io.imagebatch.runner.local.RunStats;
import io.imagebatch.runner.log.Log;
import io.imagebatch.runner.pipeline.ImageResult;
import io.imagebatch.runner.run.BatchPaths;
import io.imagebatch.runner.run.ImagesRun;
import io.imagebatch.runner.run.Storage;
import io.imagebatch.runner.run.TerminationMessage;
import io.imagebatch.runner.source.SourceRef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code process --shard N}: one index of the Indexed Job. Reads its shard of the plan, writes
 * every variant and the shard's manifest, and reports counts in its termination message. Running it
 * again after a kill is safe: writes are atomic and current variants are skipped.
 */
public final class ProcessCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LoadedBatch batch;
  private final Map<String, String> env;
  private final Path tempDir;
  private final int concurrency;

  public ProcessCommand(LoadedBatch batch, Map<String, String> env, Path tempDir, int concurrency) {
    this.batch = batch;
    this.env = env;
    this.tempDir = tempDir;
    this.concurrency = concurrency;
  }

  public ObjectNode run(int shard, Path terminationMessage) throws IOException {
    Storage storage = Storage.open(batch, SpecValidator.Mode.CLUSTER, env, tempDir);
    BatchPaths paths = BatchPaths.of(batch);
    String plan =
        storage
            .output()
            .readText(paths.planShard(shard))
            .orElseThrow(
                () ->
                    new InvalidSpecException(
                        "shard " + shard,
                        new FieldError(
                            "--shard",
                            "no plan at "
                                + storage.output().locate(paths.planShard(shard))
                                + "; run `plan` for this generation first")));
    Log.info("shard starting", "batch", batch.name(), "shard", shard, "concurrency", concurrency);
    ImagesRun.Outcome outcome =
        ImagesRun.run(
            batch,
            storage,
            concurrency,
            false,
            tempDir,
            paths.shardManifest(shard),
            submit -> {
              for (String line : plan.split("\n")) {
                if (!line.isBlank()) {
                  submit.accept(parse(line));
                }
              }
            });
    RunStats stats = outcome.stats();
    long total = outcome.total();
    ObjectNode summary = summary(shard, total, stats);
    TerminationMessage.write(summary, terminationMessage);
    Log.info(
        "shard finished",
        "batch",
        batch.name(),
        "shard",
        shard,
        "images",
        total,
        "succeeded",
        stats.succeeded(),
        "failed",
        stats.failed(),
        "skipped",
        stats.skipped(),
        "variantsWritten",
        stats.written());
    return summary;
  }

  private static SourceRef parse(String line) {
    try {
      return JSON.readValue(line, SourceRef.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("unreadable shard plan line: " + line, e);
    }
  }

  static ObjectNode summary(int shard, long total, RunStats stats) {
    ObjectNode summary = TerminationMessage.object();
    summary.put("kind", "shard");
    summary.put("shard", shard);
    ObjectNode images = summary.putObject("images");
    images.put("total", total);
    images.put("succeeded", stats.succeeded());
    images.put("failed", stats.failed());
    images.put("skipped", stats.skipped());
    ObjectNode variants = summary.putObject("variants");
    variants.put("written", stats.written());
    variants.put("bytesIn", stats.bytesIn());
    variants.put("bytesOut", stats.bytesOut());
    ArrayNode failures = summary.putArray("failures");
    for (ImageResult failure : stats.firstFailures()) {
      ObjectNode f = failures.addObject();
      f.put("source", failure.source());
      f.put("reason", String.valueOf(failure.reason()));
      f.put("message", failure.message());
    }
    summary.put("failuresTruncated", stats.failed() > failures.size());
    return summary;
  }
}
