package io.imagebatch.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.imagebatch.api.contract.ShardSummary;
import io.imagebatch.api.contract.TerminationMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardResultsTest {

  private static Pod pod(int index, String phase, String created, String message) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p-" + index + "-" + created)
        .withCreationTimestamp(created)
        .addToAnnotations("batch.kubernetes.io/job-completion-index", Integer.toString(index))
        .endMetadata()
        .withNewStatus()
        .withPhase(phase)
        .addNewContainerStatus()
        .withName("runner")
        .withNewState()
        .withNewTerminated()
        .withExitCode("Succeeded".equals(phase) ? 0 : 1)
        .withMessage(message)
        .endTerminated()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  private static String shard(int index, int succeeded, int failed) {
    return TerminationMessage.encode(
        new ShardSummary(
            index,
            new ShardSummary.Images(succeeded + failed + 1, succeeded, failed, 1),
            new ShardSummary.Variants(6, 10, 5),
            List.of(new ShardSummary.Failure("a%d.jpg".formatted(index), "CorruptInput", "m")),
            false));
  }

  @Test
  void sumsOneSucceededPodPerIndexAndIgnoresFailedAttempts() {
    ShardResults results =
        ShardResults.fold(
            List.of(
                pod(0, "Failed", "2026-01-01T00:00:00Z", "OOMKilled"),
                pod(0, "Succeeded", "2026-01-01T00:01:00Z", shard(0, 10, 1)),
                pod(1, "Succeeded", "2026-01-01T00:00:00Z", shard(1, 20, 2)),
                pod(2, "Running", "2026-01-01T00:00:00Z", null)));

    assertThat(results.reported()).isEqualTo(2);
    assertThat(results.succeeded()).isEqualTo(30);
    assertThat(results.failed()).isEqualTo(3);
    assertThat(results.skipped()).isEqualTo(2);
    assertThat(results.written()).isEqualTo(12);
    assertThat(results.failures()).extracting(f -> f.source()).containsExactly("a0.jpg", "a1.jpg");
  }

  @Test
  void anUnreadableSummaryIsCountedApart() {
    ShardResults results =
        ShardResults.fold(List.of(pod(0, "Succeeded", "2026-01-01T00:00:00Z", "panic: oops")));
    assertThat(results.reported()).isZero();
    assertThat(results.unreadable()).isEqualTo(1);
  }

  /** A shard summary with {@code count} failures named s{shard}-f{n}.jpg. */
  private static String shardWithFailures(int index, int count) {
    List<ShardSummary.Failure> failures = new java.util.ArrayList<>();
    for (int n = 0; n < count; n++) {
      failures.add(
          new ShardSummary.Failure("s%d-f%d.jpg".formatted(index, n), "CorruptInput", "m"));
    }
    return TerminationMessage.encode(
        new ShardSummary(
            index,
            new ShardSummary.Images(count, 0, count, 0),
            new ShardSummary.Variants(0, 0, 0),
            failures,
            false));
  }

  @Test
  void keepsOnlyTheFirstTwentyFailuresInShardOrder() {
    // 3 shards of 8 failures: 24 in all. Listed out of order; the fold goes by index.
    ShardResults results =
        ShardResults.fold(
            List.of(
                pod(2, "Succeeded", "2026-01-01T00:00:00Z", shardWithFailures(2, 8)),
                pod(0, "Succeeded", "2026-01-01T00:00:00Z", shardWithFailures(0, 8)),
                pod(1, "Succeeded", "2026-01-01T00:00:00Z", shardWithFailures(1, 8))));

    assertThat(results.failed()).isEqualTo(24);
    assertThat(ShardResults.MAX_FAILURES).isEqualTo(20);
    List<String> expected = new java.util.ArrayList<>();
    for (int shard = 0; shard < 3; shard++) {
      for (int n = 0; n < 8 && expected.size() < 20; n++) {
        expected.add("s%d-f%d.jpg".formatted(shard, n));
      }
    }
    assertThat(expected).hasSize(20).endsWith("s2-f3.jpg");
    assertThat(results.failures()).extracting(f -> f.source()).containsExactlyElementsOf(expected);
  }
}
