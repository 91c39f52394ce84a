package io.imagebatch.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The optional monitoring objects: the PrometheusRule (its rules run in promtool by {@link
 * PrometheusRulesIT}) and the Grafana dashboard ConfigMap for Grafana's sidecar.
 */
class ChartMonitoringTest {

  private static final String NS = "imagebatch-system";

  static GenericKubernetesResource prometheusRule(List<HasMetadata> objects) {
    return Chart.ofType(objects, GenericKubernetesResource.class).stream()
        .filter(o -> o.getKind().equals("PrometheusRule"))
        .findFirst()
        .orElseThrow();
  }

  private static ConfigMap dashboard(List<HasMetadata> objects) {
    return Chart.ofType(objects, ConfigMap.class).stream()
        .filter(c -> c.getMetadata().getName().equals("imagebatch-dashboard"))
        .findFirst()
        .orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> labels(Map<String, Object> rule) {
    return (Map<String, String>) rule.get("labels");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> annotations(Map<String, Object> rule) {
    return (Map<String, String>) rule.get("annotations");
  }

  @Test
  void neitherByDefault() {
    assertThat(Chart.render(NS, Chart.VARIANTS.get("defaults")))
        .noneMatch(o -> o.getKind().equals("PrometheusRule"))
        .noneMatch(o -> o.getKind().equals("ConfigMap"));
  }

  @Test
  void thePrometheusRuleAlertsOnFailedStalledNoLeaderReconcileErrorsAndDegradedRunners() {
    GenericKubernetesResource rule =
        prometheusRule(Chart.render(NS, Chart.VARIANTS.get("monitoring")));

    assertThat(rule.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(rule.getMetadata().getNamespace()).isEqualTo(NS);
    List<Map<String, Object>> rules = rule.get("spec", "groups", 0, "rules");
    assertThat(rules)
        .extracting(r -> r.get("alert"), r -> r.get("for"))
        .containsExactly(
            tuple("ImageBatchFailed", null),
            tuple("ImageBatchStalled", "15m"),
            tuple("ImageBatchOperatorNoLeader", "5m"),
            tuple("ImageBatchOperatorReconcileErrors", "10m"),
            tuple("ImageRunnerDegraded", null));
    assertThat(rules).allSatisfy(r -> assertThat(annotations(r)).doesNotContainKey("runbook_url"));
  }

  @Test
  void alertTimingSeverityLabelsAndRunbookAreValues() {
    GenericKubernetesResource rule =
        prometheusRule(
            Chart.render(
                NS,
                """
                metrics:
                  prometheusRule:
                    enabled: true
                    labels: { release: prometheus }
                    additionalLabels: { team: media }
                    stalledFor: 1h
                    severity: { stalled: critical }
                    runbookUrl: https://git.example.com/imagebatch/docs/operations.md
                """));

    assertThat(rule.getMetadata().getLabels()).containsEntry("release", "prometheus");
    Map<String, Object> stalled = rule.get("spec", "groups", 0, "rules", 1);
    assertThat(stalled.get("for")).isEqualTo("1h");
    assertThat(labels(stalled))
        .containsEntry("severity", "critical")
        .containsEntry("team", "media");
    assertThat(annotations(stalled))
        .containsEntry(
            "runbook_url",
            "https://git.example.com/imagebatch/docs/operations.md#imagebatchstalled")
        .extractingByKey("description")
        .asString()
        .contains("for more than 1h");
  }

  @Test
  void aStalledForThatIsNoDurationFailsSchemaValidationNamingTheField() {
    assertThatThrownBy(
            () ->
                Chart.template(
                    NS, "metrics: { prometheusRule: { enabled: true, stalledFor: soon } }"))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining("/metrics/prometheusRule/stalledFor");
  }

  @Test
  void theDashboardConfigMapCarriesTheSidecarLabelAndTheDashboardJson() throws IOException {
    ConfigMap dashboard = dashboard(Chart.render(NS, Chart.VARIANTS.get("monitoring")));

    assertThat(dashboard.getMetadata().getNamespace()).isEqualTo(NS);
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(dashboard.getData())
        .containsOnlyKeys("imagebatch.json")
        .containsEntry(
            "imagebatch.json",
            Files.readString(Chart.dir().resolve("dashboards/imagebatch.json")).stripTrailing());
  }

  @Test
  void theDashboardGoesWhereTheSidecarLooks() {
    ConfigMap dashboard =
        dashboard(
            Chart.render(
                NS,
                """
                metrics:
                  dashboard:
                    enabled: true
                    namespace: monitoring
                    labels: { grafana_dashboard: imagebatch }
                    annotations: { grafana_folder: Batch }
                """));

    assertThat(dashboard.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(dashboard.getMetadata().getLabels())
        .containsEntry("grafana_dashboard", "imagebatch");
    assertThat(dashboard.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Batch");
  }
}
