package io.imagebatch.runner.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagebatch.runner.output.OutputStore;
import io.imagebatch.runner.run.BatchPaths;
import io.imagebatch.runner.source.SourceRef;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Cuts a streamed listing into shard files of {@code imagesPerShard} lines. Only the shard being
 * filled is in memory, so a million sources plan in the memory of one shard.
 */
final class ShardPlanWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OutputStore store;
  private final BatchPaths paths;
  private final int imagesPerShard;
  private final StringBuilder current = new StringBuilder();
  private int inCurrent;
  private int shards;
  private long total;

  ShardPlanWriter(OutputStore store, BatchPaths paths, int imagesPerShard) {
    this.store = store;
    this.paths = paths;
    this.imagesPerShard = imagesPerShard;
  }

  void add(SourceRef ref) {
    try {
      current.append(JSON.writeValueAsString(ref)).append('\n');
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    inCurrent++;
    total++;
    if (inCurrent == imagesPerShard) {
      flush();
    }
  }

  /** Writes the last, partial shard; returns the number of shards. */
  int finish() {
    if (inCurrent > 0) {
      flush();
    }
    return shards;
  }

  long total() {
    return total;
  }

  private void flush() {
    try {
      store.writeText(paths.planShard(shards), current.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    shards++;
    current.setLength(0);
    inCurrent = 0;
  }
}
