package io.imagebatch.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;
import java.util.Objects;

/**
 * Builds metav1.Conditions that keep their lastTransitionTime while their status stays the same, so
 * an unchanged resource writes an unchanged status (and no write at all).
 */
public final class Conditions {
  private final List<Condition> previous;
  private final long generation;
  private final String now;

  public Conditions(List<Condition> previous, long generation, String now) {
    this.previous = previous == null ? List.of() : previous;
    this.generation = generation;
    this.now = now;
  }

  public Condition of(String type, boolean status, String reason, String message) {
    String value = status ? "True" : "False";
    String transition =
        previous.stream()
            .filter(c -> type.equals(c.getType()) && value.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(now);
    return new ConditionBuilder()
        .withType(type)
        .withStatus(value)
        .withObservedGeneration(generation)
        .withLastTransitionTime(transition)
        .withReason(reason)
        .withMessage(message)
        .build();
  }
}
