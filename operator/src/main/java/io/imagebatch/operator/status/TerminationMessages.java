package io.imagebatch.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ImageFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The runner's summaries, read from its pods' termination messages (JSON, under 4096 bytes): {@code
 * {"kind":"plan",...}} from the planning pod, {@code {"kind":"shard",...}} from each shard.
 */
public final class TerminationMessages {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TerminationMessages() {}

  public record Plan(long total, int shards, String manifest) {}

  public record Shard(
      int shard,
      long total,
      long succeeded,
      long failed,
      long skipped,
      long written,
      long bytesIn,
      long bytesOut,
      List<ImageFailure> failures) {}

  /** The termination message of the runner container, when it has terminated. */
  public static Optional<String> of(Pod pod, String container) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> container.equals(s.getName()))
        .map(ContainerStatus::getState)
        .filter(s -> s != null && s.getTerminated() != null)
        .map(s -> s.getTerminated().getMessage())
        .filter(m -> m != null && !m.isBlank())
        .findFirst();
  }

  public static Optional<Plan> plan(String message) {
    return parse(message, "plan")
        .filter(n -> n.hasNonNull("total") && n.hasNonNull("shards"))
        .map(
            n ->
                new Plan(
                    n.get("total").asLong(),
                    n.get("shards").asInt(),
                    n.hasNonNull("manifest") ? n.get("manifest").asText() : null));
  }

  public static Optional<Shard> shard(String message) {
    return parse(message, "shard")
        .map(
            n -> {
              JsonNode images = n.path("images");
              JsonNode variants = n.path("variants");
              List<ImageFailure> failures = new ArrayList<>();
              for (JsonNode f : n.path("failures")) {
                failures.add(
                    new ImageFailure(text(f, "source"), text(f, "reason"), text(f, "message")));
              }
              return new Shard(
                  n.path("shard").asInt(-1),
                  images.path("total").asLong(),
                  images.path("succeeded").asLong(),
                  images.path("failed").asLong(),
                  images.path("skipped").asLong(),
                  variants.path("written").asLong(),
                  variants.path("bytesIn").asLong(),
                  variants.path("bytesOut").asLong(),
                  List.copyOf(failures));
            });
  }

  private static String text(JsonNode node, String field) {
    return node.hasNonNull(field) ? node.get(field).asText() : null;
  }

  private static Optional<JsonNode> parse(String message, String kind) {
    if (message == null || message.isBlank()) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(message.strip());
      return node != null && node.isObject() && kind.equals(node.path("kind").asText())
          ? Optional.of(node)
          : Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }
}
