package io.imagebatch.operator.metrics;

import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ImageCounts;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.VariantCounts;
import java.util.Objects;

/**
 * What a batch did between two of its statuses: images by result, variants written and bytes. A new
 * run (another start time) starts from zero, so its counts are all new.
 */
record Progress(
    long succeeded, long failed, long skipped, long variants, long bytesIn, long bytesOut) {

  static final Progress NONE = new Progress(0, 0, 0, 0, 0, 0);

  static Progress between(ImageBatchStatus previous, ImageBatchStatus next) {
    if (next == null) {
      return NONE;
    }
    boolean sameRun =
        previous != null
            && previous.startTime() != null
            && Objects.equals(previous.startTime(), next.startTime());
    ImageCounts before = sameRun ? previous.images() : null;
    ImageCounts after = next.images();
    VariantCounts written = sameRun ? previous.variants() : null;
    VariantCounts now = next.variants();
    return new Progress(
        delta(before == null ? null : before.succeeded(), after == null ? null : after.succeeded()),
        delta(before == null ? null : before.failed(), after == null ? null : after.failed()),
        delta(before == null ? null : before.skipped(), after == null ? null : after.skipped()),
        delta(written == null ? null : written.written(), now == null ? null : now.written()),
        delta(written == null ? null : written.bytesIn(), now == null ? null : now.bytesIn()),
        delta(written == null ? null : written.bytesOut(), now == null ? null : now.bytesOut()));
  }

  /**
   * Counts only grow within a run; a smaller one (a status rebuilt from fewer pods) adds nothing.
   */
  private static long delta(Long before, Long after) {
    long from = before == null ? 0 : before;
    long to = after == null ? 0 : after;
    return Math.max(0, to - from);
  }
}
