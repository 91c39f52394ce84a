package io.imagebatch.operator.status;

import io.fabric8.kubernetes.api.model.Pod;
import io.imagebatch.api.contract.ShardSummary;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ImageCounts;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ImageFailure;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ShardCounts;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.VariantCounts;
import io.imagebatch.operator.workload.Labels;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run's shard results as running sums: each index is folded once (its summary added to the image
 * and variant counts) or marked unknown (done, but its summary was lost), and the set of those
 * indexes travels in status ({@code shards.folded}, {@code shards.unknown}). So counts never go
 * backwards, a pod may go once it is folded, and each pass reads only the summaries it has not
 * folded before.
 */
public final class ShardFold {
  public static final int MAX_FAILURES = 20;

  private long succeeded;
  private long failed;
  private long skipped;
  private long written;
  private long bytesIn;
  private long bytesOut;
  private final List<ImageFailure> failures;
  private final BitSet folded;
  private final BitSet unknown;

  private ShardFold(long[] sums, List<ImageFailure> failures, BitSet folded, BitSet unknown) {
    this.succeeded = sums[0];
    this.failed = sums[1];
    this.skipped = sums[2];
    this.written = sums[3];
    this.bytesIn = sums[4];
    this.bytesOut = sums[5];
    this.failures = new ArrayList<>(failures);
    this.folded = folded;
    this.unknown = unknown;
  }

  public static ShardFold fresh() {
    return new ShardFold(new long[6], List.of(), new BitSet(), new BitSet());
  }

  /**
   * The sums the same run's {@code previous} status holds. A status without folded indexes (none
   * folded yet, or written before folding existed) starts from zero: its counts were recomputed
   * from the pods at hand, so adding to them could count a shard twice.
   */
  public static ShardFold resume(ImageBatchStatus previous) {
    ShardCounts shards = previous == null ? null : previous.shards();
    if (shards == null || (shards.folded() == null && shards.unknown() == null)) {
      return fresh();
    }
    ImageCounts images = previous.images();
    VariantCounts variants = previous.variants();
    long[] sums = {
      value(images == null ? null : images.succeeded()),
      value(images == null ? null : images.failed()),
      value(images == null ? null : images.skipped()),
      value(variants == null ? null : variants.written()),
      value(variants == null ? null : variants.bytesIn()),
      value(variants == null ? null : variants.bytesOut())
    };
    return new ShardFold(
        sums,
        previous.failures() == null ? List.of() : previous.failures(),
        IndexSet.parse(shards.folded()),
        IndexSet.parse(shards.unknown()));
  }

  /** Whether {@code index} is already in the sums, or known to be lost. */
  public boolean counted(int index) {
    return folded.get(index) || unknown.get(index);
  }

  public void add(int index, ShardSummary summary) {
    if (counted(index)) {
      return;
    }
    folded.set(index);
    succeeded += summary.images().succeeded();
    failed += summary.images().failed();
    skipped += summary.images().skipped();
    written += summary.variants().written();
    bytesIn += summary.variants().bytesIn();
    bytesOut += summary.variants().bytesOut();
    for (ShardSummary.Failure f : summary.failures()) {
      if (failures.size() < MAX_FAILURES) {
        failures.add(new ImageFailure(f.source(), f.reason(), f.message()));
      }
    }
  }

  /** A succeeded index whose summary is lost (its pod deleted, or unreadable). */
  public void unknown(int index) {
    if (!counted(index)) {
      unknown.set(index);
    }
  }

  public int countedShards() {
    return folded.cardinality() + unknown.cardinality();
  }

  public int unknownShards() {
    return unknown.cardinality();
  }

  public long succeeded() {
    return succeeded;
  }

  public long failed() {
    return failed;
  }

  public long skipped() {
    return skipped;
  }

  public ImageCounts images(long total) {
    return new ImageCounts(total, succeeded, failed, skipped);
  }

  public VariantCounts variants() {
    return new VariantCounts(written, bytesIn, bytesOut);
  }

  public List<ImageFailure> failures() {
    return List.copyOf(failures);
  }

  public ShardCounts shards(int total, int succeededShards, int failedShards, int active) {
    return new ShardCounts(
        total,
        succeededShards,
        failedShards,
        active,
        IndexSet.format(folded),
        IndexSet.format(unknown));
  }

  /** The completion index the Job controller gave a pod (annotation, else label). */
  public static Optional<Integer> completionIndex(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(Labels.COMPLETION_INDEX);
    if (value == null) {
      value = Labels.label(pod, Labels.COMPLETION_INDEX).orElse(null);
    }
    try {
      return value == null ? Optional.empty() : Optional.of(Integer.parseInt(value));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static long value(Long v) {
    return v == null ? 0 : v;
  }
}
