package io.imagebatch.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.imagebatch.api.v1alpha1.ExecutionSpec;
import io.imagebatch.operator.config.RunnerSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * "Resources come from the batch, then the ImageRunner's defaults, then operator configuration":
 * requests and limits each fall through on their own, and an empty map counts as not set.
 */
class RunnerPodTemplateTest {
  private static final ResourceRequirements OPERATOR =
      RunnerSettings.of(
              "image", Map.of("cpu", "1", "memory", "1Gi"), Map.of("memory", "2Gi"), Duration.ZERO)
          .resources();
  private static final ResourceRequirements RUNNER =
      requirements(Map.of("cpu", "250m", "memory", "512Mi"), Map.of("memory", "768Mi"));

  private static ResourceRequirements requirements(
      Map<String, String> requests, Map<String, String> limits) {
    ResourceRequirements result = new ResourceRequirements();
    result.setRequests(quantities(requests));
    result.setLimits(quantities(limits));
    return result;
  }

  private static Map<String, Quantity> quantities(Map<String, String> values) {
    if (values == null) {
      return null;
    }
    Map<String, Quantity> result = new TreeMap<>();
    values.forEach((name, value) -> result.put(name, new Quantity(value)));
    return result;
  }

  private static ExecutionSpec execution(ResourceRequirements resources) {
    return ExecutionSpec.unset().withResources(resources);
  }

  /** The quantities as written ("250m", "768Mi"), so "1Gi" and "1024Mi" are not confused. */
  private static Map<String, String> exact(Map<String, Quantity> quantities) {
    if (quantities == null) {
      return null;
    }
    Map<String, String> result = new TreeMap<>();
    quantities.forEach((name, q) -> result.put(name, q.getAmount() + q.getFormat()));
    return result;
  }

  @Test
  void theBatchsResourcesWinOverTheImageRunnerAndTheOperator() {
    ResourceRequirements resolved =
        RunnerPodTemplate.resources(
            execution(requirements(Map.of("cpu", "2", "memory", "3Gi"), Map.of("memory", "4Gi"))),
            Optional.of(RUNNER),
            OPERATOR);

    assertThat(exact(resolved.getRequests()))
        .containsExactly(entry("cpu", "2"), entry("memory", "3Gi"));
    assertThat(exact(resolved.getLimits())).containsExactly(entry("memory", "4Gi"));
  }

  @Test
  void withoutBatchResourcesTheImageRunnersDefaultsWinOverTheOperator() {
    ResourceRequirements resolved =
        RunnerPodTemplate.resources(execution(null), Optional.of(RUNNER), OPERATOR);

    assertThat(exact(resolved.getRequests()))
        .containsExactly(entry("cpu", "250m"), entry("memory", "512Mi"));
    assertThat(exact(resolved.getLimits())).containsExactly(entry("memory", "768Mi"));
  }

  @Test
  void withNeitherTheOperatorsConfigurationApplies() {
    ResourceRequirements resolved =
        RunnerPodTemplate.resources(execution(null), Optional.empty(), OPERATOR);

    assertThat(exact(resolved.getRequests()))
        .containsExactly(entry("cpu", "1"), entry("memory", "1Gi"));
    assertThat(exact(resolved.getLimits())).containsExactly(entry("memory", "2Gi"));
  }

  @Test
  void requestsAndLimitsFallThroughSeparately() {
    // The batch sets only limits: its requests come from the ImageRunner.
    ResourceRequirements batchLimitsOnly =
        RunnerPodTemplate.resources(
            execution(requirements(null, Map.of("memory", "6Gi"))), Optional.of(RUNNER), OPERATOR);
    assertThat(exact(batchLimitsOnly.getRequests()))
        .containsExactly(entry("cpu", "250m"), entry("memory", "512Mi"));
    assertThat(exact(batchLimitsOnly.getLimits())).containsExactly(entry("memory", "6Gi"));

    // The batch sets only requests and the ImageRunner only requests: limits from the operator.
    ResourceRequirements toOperator =
        RunnerPodTemplate.resources(
            execution(requirements(Map.of("cpu", "3"), null)),
            Optional.of(requirements(Map.of("cpu", "100m"), null)),
            OPERATOR);
    assertThat(exact(toOperator.getRequests())).containsExactly(entry("cpu", "3"));
    assertThat(exact(toOperator.getLimits())).containsExactly(entry("memory", "2Gi"));

    // Nothing from the batch; the ImageRunner sets only limits: requests from the operator.
    ResourceRequirements runnerLimitsOnly =
        RunnerPodTemplate.resources(
            execution(new ResourceRequirements()),
            Optional.of(requirements(null, Map.of("memory", "900Mi"))),
            OPERATOR);
    assertThat(exact(runnerLimitsOnly.getRequests()))
        .containsExactly(entry("cpu", "1"), entry("memory", "1Gi"));
    assertThat(exact(runnerLimitsOnly.getLimits())).containsExactly(entry("memory", "900Mi"));
  }

  @Test
  void anEmptyMapCountsAsNotSet() {
    ResourceRequirements resolved =
        RunnerPodTemplate.resources(
            execution(requirements(Map.of(), Map.of())),
            Optional.of(requirements(Map.of(), Map.of("memory", "1536Mi"))),
            OPERATOR);

    assertThat(exact(resolved.getRequests()))
        .containsExactly(entry("cpu", "1"), entry("memory", "1Gi"));
    assertThat(exact(resolved.getLimits())).containsExactly(entry("memory", "1536Mi"));
  }
}
