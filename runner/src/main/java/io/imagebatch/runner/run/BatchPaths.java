package io.imagebatch.runner.run;

import io.imagebatch.runner.config.LoadedBatch;

/** Where a run keeps its plan and manifest in the output store: next to the variants. */
public record BatchPaths(String root) {
  public static BatchPaths of(LoadedBatch batch) {
    return new BatchPaths("_imagebatch/" + batch.name() + "/" + batch.generation() + "/");
  }

  public String planShard(int shard) {
    return root + "plan/" + String.format("shard-%05d.jsonl", shard);
  }

  public String planSummary() {
    return root + "plan/plan.json";
  }

  public String shardManifest(int shard) {
    return root + "manifest/" + String.format("shard-%05d.jsonl", shard);
  }

  public String localManifest() {
    return root + "manifest/local.jsonl";
  }
}
