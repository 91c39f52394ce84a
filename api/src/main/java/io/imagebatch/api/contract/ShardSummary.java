package io.imagebatch.api.contract;

import java.util.List;

/**
 * One shard's result: image and variant counts, and its first failures ({@code failuresTruncated}
 * when the shard had more failures than listed, or when some were dropped to fit the message).
 */
public record ShardSummary(
    int shard, Images images, Variants variants, List<Failure> failures, boolean failuresTruncated)
    implements RunnerSummary {

  public ShardSummary {
    images = images == null ? new Images(0, 0, 0, 0) : images;
    variants = variants == null ? new Variants(0, 0, 0) : variants;
    failures = failures == null ? List.of() : List.copyOf(failures);
  }

  /**
   * @param skipped sources whose variants were already up to date
   */
  public record Images(long total, long succeeded, long failed, long skipped) {}

  /**
   * @param bytesIn source bytes read
   * @param bytesOut variant bytes written
   */
  public record Variants(long written, long bytesIn, long bytesOut) {}

  /**
   * @param source the source's path or key
   * @param reason machine-readable, e.g. CorruptInput
   */
  public record Failure(String source, String reason, String message) {}

  ShardSummary withFailures(List<Failure> kept) {
    return new ShardSummary(shard, images, variants, kept, true);
  }
}
