package io.imagebatch.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's PrometheusRule, rendered with the default values, checked and unit-tested by
 * Prometheus' own promtool: {@code promtool check rules} and {@code promtool test rules
 * src/test/prometheus/imagebatch-rules-test.yaml} (each alert: when it fires, with its exact labels
 * and annotations, and when it does not).
 */
class PrometheusRulesIT {

  private static final Path WORK = Path.of("target", "prometheus");
  private static final String TESTS = "imagebatch-rules-test.yaml";

  private static Promtool promtool;

  @BeforeAll
  static void renderTheRules() throws Exception {
    promtool = Promtool.require();
    GenericKubernetesResource rule =
        ChartMonitoringTest.prometheusRule(
            Chart.render("imagebatch-system", Chart.VARIANTS.get("monitoring")));
    Files.createDirectories(WORK);
    // A rules file is the PrometheusRule's spec: {groups: [...]}.
    new ObjectMapper(new YAMLFactory())
        .writeValue(
            WORK.resolve("imagebatch-rules.yaml").toFile(),
            Map.of("groups", rule.<Object>get("spec", "groups")));
    Files.copy(
        Path.of("src", "test", "prometheus", TESTS),
        WORK.resolve(TESTS),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void promtoolAcceptsTheRules() throws Exception {
    Promtool.Result result = promtool.run(WORK, "check", "rules", "imagebatch-rules.yaml");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS: 5 rules found");
  }

  @Test
  void everyAlertPassesItsUnitTests() throws Exception {
    Promtool.Result result = promtool.run(WORK, "test", "rules", TESTS);

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  /** Control: a test expecting the wrong annotation fails, so the suite above can fail. */
  @Test
  void aWrongExpectationFails() throws Exception {
    Path wrong = WORK.resolve("wrong-test.yaml");
    Files.writeString(
        wrong,
        Files.readString(WORK.resolve(TESTS))
            .replace("ImageBatch run failed in shop", "ImageBatch run failed in media"));

    Promtool.Result result = promtool.run(WORK, "test", "rules", "wrong-test.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.output()).contains("FAILED").contains("alertname: ImageBatchFailed");
  }
}
