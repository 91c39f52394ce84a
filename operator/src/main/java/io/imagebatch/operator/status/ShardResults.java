package io.imagebatch.operator.status;

import io.fabric8.kubernetes.api.model.Pod;
import io.imagebatch.api.contract.ShardSummary;
import io.imagebatch.api.contract.TerminationMessage;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ImageFailure;
import io.imagebatch.operator.dependent.Labels;
import io.imagebatch.operator.dependent.RunnerPodTemplate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Folds the shards' termination messages into totals. Each index counts once: the latest succeeded
 * pod of that index (a retried shard has failed pods before it; only the success reports).
 *
 * @param reported indexes with a readable shard summary
 * @param unreadable succeeded indexes whose message could not be read
 */
public record ShardResults(
    int reported,
    int unreadable,
    long succeeded,
    long failed,
    long skipped,
    long written,
    long bytesIn,
    long bytesOut,
    List<ImageFailure> failures) {

  public static final int MAX_FAILURES = 20;

  public static ShardResults fold(Collection<Pod> pods) {
    Map<Integer, Pod> latest = new TreeMap<>();
    for (Pod pod : pods) {
      if (pod.getStatus() == null || !"Succeeded".equals(pod.getStatus().getPhase())) {
        continue;
      }
      Optional<Integer> index = completionIndex(pod);
      if (index.isEmpty()) {
        continue;
      }
      latest.merge(index.get(), pod, ShardResults::later);
    }
    int reported = 0;
    int unreadable = 0;
    long succeeded = 0, failed = 0, skipped = 0, written = 0, bytesIn = 0, bytesOut = 0;
    List<ImageFailure> failures = new ArrayList<>();
    for (Pod pod : latest.values()) {
      Optional<ShardSummary> shard =
          TerminationMessages.of(pod, RunnerPodTemplate.CONTAINER)
              .flatMap(TerminationMessage::shard);
      if (shard.isEmpty()) {
        unreadable++;
        continue;
      }
      ShardSummary s = shard.get();
      reported++;
      succeeded += s.images().succeeded();
      failed += s.images().failed();
      skipped += s.images().skipped();
      written += s.variants().written();
      bytesIn += s.variants().bytesIn();
      bytesOut += s.variants().bytesOut();
      for (ShardSummary.Failure failure : s.failures()) {
        if (failures.size() < MAX_FAILURES) {
          failures.add(new ImageFailure(failure.source(), failure.reason(), failure.message()));
        }
      }
    }
    return new ShardResults(
        reported,
        unreadable,
        succeeded,
        failed,
        skipped,
        written,
        bytesIn,
        bytesOut,
        List.copyOf(failures));
  }

  public static Optional<Integer> completionIndex(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(Labels.COMPLETION_INDEX);
    if (value == null) {
      Map<String, String> labels = pod.getMetadata().getLabels();
      value = labels == null ? null : labels.get(Labels.COMPLETION_INDEX);
    }
    try {
      return value == null ? Optional.empty() : Optional.of(Integer.parseInt(value));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Pod later(Pod a, Pod b) {
    Comparator<Pod> byCreation =
        Comparator.comparing(
            p -> Optional.ofNullable(p.getMetadata().getCreationTimestamp()).orElse(""));
    return byCreation.compare(a, b) >= 0 ? a : b;
  }
}
