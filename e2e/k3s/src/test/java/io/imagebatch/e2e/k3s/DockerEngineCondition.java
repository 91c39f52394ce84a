package io.imagebatch.e2e.k3s;

import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a class only where a Docker engine answers and has the k3s node image (or can pull it).
 * Elsewhere the class is skipped, never failed, and the reason is printed as one line, because
 * Maven's summary only counts skipped tests and a CI log should say why. {@code
 * -Dimagebatch.k3s.require=true} turns the skip into a failure, for a CI job that is meant to have
 * Docker.
 */
public final class DockerEngineCondition implements ExecutionCondition {

  static final String REQUIRE_PROPERTY = "imagebatch.k3s.require";

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (context.getTestMethod().isPresent()) {
      // Decided once, for the class: its methods share one cluster.
      return ConditionEvaluationResult.enabled("the class found a Docker engine");
    }
    Optional<String> missing = DockerEngineProbe.whyCannotRun();
    if (missing.isEmpty()) {
      return ConditionEvaluationResult.enabled("a Docker engine answered");
    }
    if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
      throw new IllegalStateException(
          missing.get() + " (-D" + REQUIRE_PROPERTY + "=true, so this fails, not skips)");
    }
    System.out.println("[SKIPPED] " + context.getDisplayName() + ": " + missing.get());
    return ConditionEvaluationResult.disabled(missing.get());
  }
}
