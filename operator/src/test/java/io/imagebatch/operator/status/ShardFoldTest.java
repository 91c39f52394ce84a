package io.imagebatch.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagebatch.api.contract.ShardSummary;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ImageCounts;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ShardCounts;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.VariantCounts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardFoldTest {

  private static ShardSummary shard(int index, int succeeded, int failed) {
    List<ShardSummary.Failure> failures = new ArrayList<>();
    for (int n = 0; n < failed; n++) {
      failures.add(
          new ShardSummary.Failure("s%d-f%d.jpg".formatted(index, n), "CorruptInput", "m"));
    }
    return new ShardSummary(
        index,
        new ShardSummary.Images(succeeded + failed + 1L, succeeded, failed, 1),
        new ShardSummary.Variants(6, 10, 5),
        failures,
        false);
  }

  @Test
  void eachIndexIsAddedOnce() {
    ShardFold fold = ShardFold.fresh();

    fold.add(0, shard(0, 10, 1));
    fold.add(0, shard(0, 10, 1));
    fold.add(1, shard(1, 20, 2));

    assertThat(fold.images(33)).isEqualTo(new ImageCounts(33L, 30L, 3L, 2L));
    assertThat(fold.variants()).isEqualTo(new VariantCounts(12L, 20L, 10L));
    assertThat(fold.shards(3, 2, 0, 1)).isEqualTo(new ShardCounts(3, 2, 0, 1, "0-1", null));
  }

  @Test
  void keepsTheFirstTwentyFailuresInFoldOrder() {
    ShardFold fold = ShardFold.fresh();
    for (int index = 0; index < 3; index++) {
      fold.add(index, shard(index, 0, 8));
    }

    assertThat(fold.failed()).isEqualTo(24);
    assertThat(fold.failures()).hasSize(ShardFold.MAX_FAILURES);
    assertThat(fold.failures().getLast().source()).isEqualTo("s2-f3.jpg");
  }

  @Test
  void resumesTheSameRunsSumsAndFoldedIndexes() {
    ShardFold first = ShardFold.fresh();
    first.add(0, shard(0, 10, 0));
    first.unknown(2);
    ImageBatchStatus written = status(first.images(30), first.shards(3, 2, 0, 1), first.variants());

    ShardFold resumed = ShardFold.resume(written);
    resumed.add(0, shard(0, 10, 0)); // already folded: no change
    resumed.add(1, shard(1, 10, 0));

    assertThat(resumed.images(30)).isEqualTo(new ImageCounts(30L, 20L, 0L, 2L));
    assertThat(resumed.countedShards()).isEqualTo(3);
    assertThat(resumed.shards(3, 3, 0, 0)).isEqualTo(new ShardCounts(3, 3, 0, 0, "0-1", "2"));
  }

  /**
   * Counts written before folding existed were recomputed from pods: adding to them could double.
   */
  @Test
  void aStatusWithoutFoldedIndexesStartsFromZero() {
    ImageBatchStatus old =
        status(
            new ImageCounts(30L, 20L, 0L, 0L),
            ShardCounts.of(3, 2, 0, 1),
            new VariantCounts(40L, 1L, 1L));

    assertThat(ShardFold.resume(old).images(30)).isEqualTo(new ImageCounts(30L, 0L, 0L, 0L));
  }

  @Test
  void indexSetsReadAndWriteTheJobControllersForm() {
    assertThat(IndexSet.format(IndexSet.parse("0-3,5,7-8"))).isEqualTo("0-3,5,7-8");
    assertThat(IndexSet.count("0-3,5,7-8")).isEqualTo(7);
    assertThat(IndexSet.format(IndexSet.parse(null))).isNull();
    assertThat(IndexSet.format(IndexSet.parse("4,2,3"))).isEqualTo("2-4");
  }

  private static ImageBatchStatus status(ImageCounts images, ShardCounts shards, VariantCounts v) {
    return new ImageBatchStatus(
        1L, null, null, images, shards, v, null, null, null, null, null, null);
  }
}
