package io.imagebatch.runner.cluster;

import io.imagebatch.api.contract.PlanSummary;
import io.imagebatch.api.contract.TerminationMessage;
import io.imagebatch.runner.config.LoadedBatch;
import io.imagebatch.runner.config.SpecValidator;
import io.imagebatch.runner.log.Log;
import io.imagebatch.runner.run.BatchPaths;
import io.imagebatch.runner.run.Storage;
import io.imagebatch.runner.run.TerminationMessageFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code plan}: lists the source once, writes the shard plan under {@code
 * _imagebatch/<batch>/<generation>/plan/} and reports {@code {total, shards}} for the operator.
 */
public final class PlanCommand {
  private final LoadedBatch batch;
  private final Map<String, String> env;
  private final Path tempDir;

  public PlanCommand(LoadedBatch batch, Map<String, String> env, Path tempDir) {
    this.batch = batch;
    this.env = env;
    this.tempDir = tempDir;
  }

  /** Plans the batch; returns the termination message it wrote. */
  public PlanSummary run(Path terminationMessage) throws IOException {
    Storage storage = Storage.open(batch, SpecValidator.Mode.CLUSTER, env, tempDir);
    BatchPaths paths = BatchPaths.of(batch);
    int perShard = batch.spec().execution().imagesPerShard();
    ShardPlanWriter plan = new ShardPlanWriter(storage.output(), paths, perShard);
    long started = System.nanoTime();
    storage
        .lister()
        .forEach(
            ref -> {
              plan.add(ref);
              if (plan.total() % 100_000 == 0) {
                Log.info("planning", "listed", plan.total());
              }
            });
    int shards = plan.finish();
    PlanSummary summary =
        new PlanSummary(plan.total(), shards, perShard, storage.output().locate(paths.root()));
    storage.output().writeText(paths.planSummary(), TerminationMessage.encode(summary));
    TerminationMessageFile.write(summary, terminationMessage);
    Log.info(
        "plan written",
        "batch",
        batch.name(),
        "total",
        plan.total(),
        "shards",
        shards,
        "seconds",
        (System.nanoTime() - started) / 1e9);
    return summary;
  }
}
