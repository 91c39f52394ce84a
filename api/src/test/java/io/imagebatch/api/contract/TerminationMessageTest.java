package io.imagebatch.api.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imagebatch.api.contract.ShardSummary.Failure;
import io.imagebatch.api.contract.ShardSummary.Images;
import io.imagebatch.api.contract.ShardSummary.Variants;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The termination message's one JSON mapping, and the 4096 bytes Kubernetes keeps of it. */
class TerminationMessageTest {

  @Test
  void aPlanIsWrittenWithItsKindFirst() {
    String text =
        TerminationMessage.encode(new PlanSummary(2000, 10, 200, "s3://derived/_ib/b/1/"));

    assertThat(text)
        .isEqualTo(
            "{\"kind\":\"plan\",\"total\":2000,\"shards\":10,\"imagesPerShard\":200,"
                + "\"manifest\":\"s3://derived/_ib/b/1/\"}");
    assertThat(TerminationMessage.plan(text))
        .contains(new PlanSummary(2000, 10, 200, "s3://derived/_ib/b/1/"));
    assertThat(TerminationMessage.shard(text)).isEmpty();
  }

  @Test
  void aShardSummaryKeepsTheShapeTheOperatorReads() {
    ShardSummary summary = shard(1, "broken");

    String text = TerminationMessage.encode(summary);

    assertThat(text)
        .isEqualTo(
            "{\"kind\":\"shard\",\"shard\":3,\"images\":{\"total\":1501,\"succeeded\":1500,"
                + "\"failed\":1,\"skipped\":0},\"variants\":{\"written\":3000,\"bytesIn\":10,"
                + "\"bytesOut\":5},\"failures\":[{\"source\":\"photos/0.jpg\",\"reason\":"
                + "\"CorruptInput\",\"message\":\"broken\"}],\"failuresTruncated\":false}");
    assertThat(TerminationMessage.shard(text)).contains(summary);
  }

  @Test
  void manyLongFailuresAreCutToFitAndTheCountsAreKept() {
    // Multi-byte text: the limit is in bytes, not characters.
    String text = TerminationMessage.encode(shard(500, "ü".repeat(1000)));

    assertThat(text.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(TerminationMessage.LIMIT);
    ShardSummary fitted = TerminationMessage.shard(text).orElseThrow();
    assertThat(fitted.failuresTruncated()).isTrue();
    assertThat(fitted.images()).isEqualTo(new Images(2000, 1500, 500, 0));
    assertThat(fitted.failures()).isNotEmpty().hasSizeLessThan(500);
    // The first failures are kept, in order, each message cut to 200 characters + "…".
    for (int i = 0; i < fitted.failures().size(); i++) {
      assertThat(fitted.failures().get(i).source()).isEqualTo("photos/" + i + ".jpg");
      assertThat(fitted.failures().get(i).message()).hasSize(201).endsWith("…");
    }
  }

  @Test
  void aSummaryThatCannotFitEvenWithoutFailuresIsRefused() {
    PlanSummary plan = new PlanSummary(1, 1, 1, "s3://bucket/" + "k".repeat(5000));

    assertThatThrownBy(() -> TerminationMessage.encode(plan))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("termination message cannot fit 4096 bytes");
  }

  @Test
  void whatIsNotASummaryDecodesToNothing() {
    assertThat(TerminationMessage.decode(null)).isEmpty();
    assertThat(TerminationMessage.decode("")).isEmpty();
    assertThat(TerminationMessage.decode("panic: out of memory")).isEmpty();
    assertThat(TerminationMessage.decode("{\"kind\":\"other\",\"total\":1}")).isEmpty();
    assertThat(TerminationMessage.decode("[1,2]")).isEmpty();
    // A plan must say how many images and shards.
    assertThat(TerminationMessage.plan("{\"kind\":\"plan\",\"total\":5}")).isEmpty();
  }

  @Test
  void fieldsANewerRunnerAddsAreIgnoredAndMissingCountsAreZero() {
    ShardSummary read =
        TerminationMessage.shard(
                "{\"kind\":\"shard\",\"shard\":2,\"images\":{\"succeeded\":4},\"new\":1}")
            .orElseThrow();

    assertThat(read)
        .isEqualTo(
            new ShardSummary(2, new Images(0, 4, 0, 0), new Variants(0, 0, 0), List.of(), false));
  }

  private static ShardSummary shard(int failures, String message) {
    List<Failure> list = new ArrayList<>();
    for (int i = 0; i < failures; i++) {
      list.add(new Failure("photos/" + i + ".jpg", "CorruptInput", message));
    }
    return new ShardSummary(
        3, new Images(1500L + failures, 1500, failures, 0), new Variants(3000, 10, 5), list, false);
  }
}
