package io.imagebatch.runner.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagebatch.api.contract.ShardSummary;
import io.imagebatch.runner.config.FieldError;
import io.imagebatch.runner.config.InvalidSpecException;
import io.imagebatch.runner.config.LoadedBatch;
import io.imagebatch.runner.config.SpecValidator;
import io.imagebatch.runner.local.RunStats;
import io.imagebatch.runner.log.Log;
import io.imagebatch.runner.run.BatchPaths;
import io.imagebatch.runner.run.ImagesRun;
import io.imagebatch.runner.run.Storage;
import io.imagebatch.runner.run.TerminationMessageFile;
import io.imagebatch.runner.source.SourceRef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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

  public ShardSummary run(int shard, Path terminationMessage) throws IOException {
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
    ShardSummary summary = summary(shard, total, stats);
    TerminationMessageFile.write(summary, terminationMessage);
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

  static ShardSummary summary(int shard, long total, RunStats stats) {
    List<ShardSummary.Failure> failures =
        stats.firstFailures().stream()
            .map(f -> new ShardSummary.Failure(f.source(), String.valueOf(f.reason()), f.message()))
            .toList();
    return new ShardSummary(
        shard,
        new ShardSummary.Images(total, stats.succeeded(), stats.failed(), stats.skipped()),
        new ShardSummary.Variants(stats.written(), stats.bytesIn(), stats.bytesOut()),
        failures,
        stats.failed() > failures.size());
  }
}
