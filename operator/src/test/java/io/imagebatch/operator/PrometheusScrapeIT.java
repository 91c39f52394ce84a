package io.imagebatch.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.e2e.controlplane.ControlPlane;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.TestNamespace;
import io.imagebatch.e2e.controlplane.node.NodeSimulator;
import io.imagebatch.e2e.controlplane.node.Outcome;
import io.imagebatch.operator.dependent.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real Prometheus scrapes the packaged operator (prod profile) while batches run on the control
 * plane: a queued batch that succeeds, one that fails (exit code 3) and one stalled on a missing
 * claim. Through Prometheus' HTTP API the test reads the batch and image metrics, evaluates the
 * chart's alert expressions, and checks that every query of the Grafana dashboard uses metrics the
 * operator really exports and is valid PromQL.
 */
@ExtendWith(ControlPlaneExtension.class)
class PrometheusScrapeIT {
  private static final Path CHART = Path.of("..", "helm", "imagebatch");
  private static final Duration LIMIT = Duration.ofMinutes(1);
  private static final Pattern EXPR = Pattern.compile("(?m)^\\s*expr: (.+)$");
  private static final Pattern ALERT = Pattern.compile("(?m)^\\s*- alert: (\\S+)$");

  /** Metric names in PromQL: a selector's name, or any of ours. */
  private static final Pattern METRIC =
      Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{|\\b(imagebatch_\\w+)");

  @Test
  void prometheusScrapesBatchAndImageMetricsAlertsAndTheDashboardQueriesWork(
      KubernetesClient client, TestNamespace ns, NodeSimulator node, ControlPlane plane)
      throws Exception {
    InProcessOperator.installCrds(client);
    String namespace = ns.name();
    node.behavior(
        pod -> {
          String batch = pod.labels().get(Labels.BATCH);
          if (Labels.PLAN.equals(Batches.component(pod))) {
            return Optional.of(Batches.plan(400, 2, batch));
          }
          return Optional.of(
              batch.equals("broken")
                  ? Outcome.failed(3, "spec.variants[0].width: too wide")
                  : Batches.shard(Batches.index(pod), 200, 2));
        });
    try (ChartServiceAccount account = ChartServiceAccount.install(client, namespace);
        PackagedOperator operator =
            PackagedOperator.start(
                "scraped", account, namespace, "registry.example.com/runner:scraped", Map.of());
        PrometheusServer prometheus = PrometheusServer.scraping(operator.port())) {
      await()
          .atMost(LIMIT)
          .ignoreExceptions()
          .until(() -> operator.get("/q/health/ready").statusCode() == 200);

      // Queued: this test admits its Jobs as Kueue would, so the queue wait is measured.
      Batches.create(
          client,
          namespace,
          Batches.yaml("queued", 200, "queueName: image-jobs\nmaxFailedImages: 10"));
      Batches.create(client, namespace, Batches.yaml("broken", 200, ""));
      Batches.create(client, namespace, Batches.onClaim("unclaimed"));
      for (String job : List.of("queued-plan-g1", "queued-g1")) {
        await().atMost(LIMIT).until(() -> job(client, namespace, job) != null);
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .withName(job)
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":false}}");
      }
      await().atMost(LIMIT).until(() -> phase(client, namespace, "queued") == Phase.Succeeded);
      await().atMost(LIMIT).until(() -> phase(client, namespace, "broken") == Phase.Failed);
      await()
          .atMost(LIMIT)
          .until(() -> Batches.isTrue(Batches.get(client, namespace, "unclaimed"), "Stalled"));

      String ours = "{namespace=\"" + namespace + "\"}";
      await("the scraped metrics in Prometheus")
          .atMost(LIMIT)
          .until(
              () ->
                  value(prometheus, "sum(imagebatch_images_total" + ours + ")") == 400.0
                      && value(
                              prometheus,
                              "sum(imagebatch_shard_duration_seconds_count" + ours + ")")
                          >= 2.0);

      // Batch and image metrics, as the operator counted them (gauges count the informer cache
      // at scrape time, so a scrape may lag the last status write by a second).
      await()
          .atMost(LIMIT)
          .untilAsserted(
              () -> {
                assertThat(
                        value(
                            prometheus,
                            "imagebatch_batches{namespace=\""
                                + namespace
                                + "\",phase=\"Succeeded\"}"))
                    .isEqualTo(1.0);
                assertThat(
                        value(
                            prometheus,
                            "imagebatch_batches{namespace=\"" + namespace + "\",phase=\"Failed\"}"))
                    .isEqualTo(1.0);
                assertThat(
                        value(
                            prometheus,
                            "imagebatch_images_total{namespace=\""
                                + namespace
                                + "\",result=\"succeeded\"}"))
                    .isEqualTo(396.0);
                assertThat(
                        value(
                            prometheus,
                            "imagebatch_images_total{namespace=\""
                                + namespace
                                + "\",result=\"failed\"}"))
                    .isEqualTo(4.0);
                assertThat(
                        value(
                            prometheus,
                            "sum(imagebatch_bytes_total{namespace=\""
                                + namespace
                                + "\",direction=\"in\"})"))
                    .isEqualTo(2000.0);
                assertThat(
                        value(
                            prometheus,
                            "sum(imagebatch_runs_finished_total{namespace=\""
                                + namespace
                                + "\",phase=\"Failed\",reason=\"InvalidConfiguration\"})"))
                    .isEqualTo(1.0);
                assertThat(
                        value(prometheus, "sum(imagebatch_queue_wait_seconds_count" + ours + ")"))
                    .isEqualTo(2.0);
                assertThat(value(prometheus, "imagebatch_leader")).isEqualTo(1.0);
              });

      // The chart's alert expressions, evaluated by Prometheus on what it scraped.
      Map<String, String> alerts = alertExpressions();
      assertThat(alerts.keySet())
          .containsExactly(
              "ImageBatchFailed",
              "ImageBatchStalled",
              "ImageBatchOperatorNoLeader",
              "ImageBatchOperatorReconcileErrors",
              "ImageRunnerDegraded");
      assertThat(labels(prometheus.query(alerts.get("ImageBatchFailed"))))
          .containsExactly(namespace + "/InvalidConfiguration");
      assertThat(labels(prometheus.query(alerts.get("ImageBatchStalled"))))
          .containsExactly(namespace + "/" + stalledReason(client, namespace));
      assertThat(prometheus.query(alerts.get("ImageBatchOperatorNoLeader"))).isEmpty();
      assertThat(prometheus.query(alerts.get("ImageBatchOperatorReconcileErrors"))).isEmpty();
      assertThat(prometheus.query(alerts.get("ImageRunnerDegraded"))).isEmpty();

      // The dashboard: every query valid, every metric it names exported by this operator.
      Set<String> exported = new TreeSet<>();
      prometheus.metricNames().forEach(n -> exported.add(n.asText()));
      List<String> queries = dashboardQueries();
      assertThat(queries).hasSizeGreaterThanOrEqualTo(15);
      for (String query : queries) {
        String runnable = query.replace("$__rate_interval", "1m").replace("$namespace", ".*");
        assertThat(metricNames(query))
            .as("metrics of %s", query)
            .isNotEmpty()
            .allSatisfy(name -> assertThat(exported).as(query).contains(name));
        prometheus.query(runnable); // throws with Prometheus' message when it is not valid PromQL
      }
    }
  }

  // --- the chart's files
  // --------------------------------------------------------------------------

  /**
   * alert name to expression, from the PrometheusRule template (expressions carry no templating).
   */
  private static Map<String, String> alertExpressions() throws Exception {
    String template = Files.readString(CHART.resolve("templates").resolve("prometheusrule.yaml"));
    Matcher names = ALERT.matcher(template);
    Matcher exprs = EXPR.matcher(template);
    Map<String, String> alerts = new java.util.LinkedHashMap<>();
    while (names.find() && exprs.find()) {
      assertThat(exprs.group(1)).doesNotContain("{{");
      alerts.put(names.group(1), exprs.group(1).strip());
    }
    return alerts;
  }

  /** Every panel target's expr and every templating query of the dashboard JSON. */
  private static List<String> dashboardQueries() throws Exception {
    JsonNode dashboard =
        new ObjectMapper()
            .readTree(CHART.resolve("dashboards").resolve("imagebatch.json").toFile());
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      String query = variable.path("query").path("query").asText();
      Matcher values = Pattern.compile("label_values\\((\\w+), *\\w+\\)").matcher(query);
      if (values.matches()) {
        queries.add(values.group(1));
      }
    }
    return queries;
  }

  private static Set<String> metricNames(String query) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = METRIC.matcher(query);
    while (matcher.find()) {
      names.add(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
    }
    return names;
  }

  // --- Prometheus answers
  // ---------------------------------------------------------------------------

  private static double value(PrometheusServer prometheus, String promql) throws Exception {
    JsonNode result = prometheus.query(promql);
    return result.isEmpty() ? Double.NaN : result.get(0).path("value").get(1).asDouble();
  }

  /** "namespace/reason" of each series. */
  private static List<String> labels(JsonNode result) {
    List<String> labels = new ArrayList<>();
    result.forEach(
        r ->
            labels.add(
                r.path("metric").path("namespace").asText()
                    + "/"
                    + r.path("metric").path("reason").asText()));
    return labels;
  }

  private static String stalledReason(KubernetesClient client, String namespace) {
    return Batches.condition(Batches.get(client, namespace, "unclaimed"), "Stalled")
        .orElseThrow()
        .getReason();
  }

  private static Phase phase(KubernetesClient client, String namespace, String name) {
    var batch = Batches.get(client, namespace, name);
    return batch == null || batch.getStatus() == null ? null : batch.getStatus().phase();
  }

  private static Job job(KubernetesClient client, String namespace, String name) {
    return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
  }
}
