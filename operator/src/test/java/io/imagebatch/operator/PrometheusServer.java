package io.imagebatch.operator;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian's package; ./run-tests installs it as root) on 127.0.0.1, scraping one
 * target's /q/metrics every second, queried through its HTTP API. Without the binary the calling
 * test is skipped with the install command, or fails with CI=true.
 */
final class PrometheusServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path dir;
  private final Path log;
  private final URI api;
  private final HttpClient http = HttpClient.newHttpClient();

  private PrometheusServer(Process process, Path dir, URI api) {
    this.process = process;
    this.dir = dir;
    this.log = dir.resolve("prometheus.log");
    this.api = api;
  }

  /** Starts Prometheus scraping {@code http://127.0.0.1:<targetPort>/q/metrics}. */
  static PrometheusServer scraping(int targetPort) throws IOException {
    Path binary = Path.of("/usr/bin/prometheus");
    if (!Files.isExecutable(binary)) {
      ControlPlaneExtension.skipOrFail(
          "no "
              + binary
              + ": install it (as root: apt-get install --no-install-recommends"
              + " prometheus)",
          null);
    }
    Path dir = Files.createTempDirectory("imagebatch-prometheus-");
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global: { scrape_interval: 1s, evaluation_interval: 1s }
        scrape_configs:
          - job_name: imagebatch-operator
            metrics_path: /q/metrics
            static_configs: [ { targets: ["127.0.0.1:%d"] } ]
        """
            .formatted(targetPort));
    int port = FreePorts.next();
    Process process =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    PrometheusServer server =
        new PrometheusServer(process, dir, URI.create("http://127.0.0.1:" + port + "/api/v1/"));
    await("Prometheus ready")
        .atMost(Duration.ofMinutes(1))
        .ignoreExceptions()
        .until(
            () ->
                server
                    .get("query?query=" + encode("up"))
                    .path("status")
                    .asText()
                    .equals("success"));
    return server;
  }

  /** An instant query's result vector (Prometheus' JSON {@code data.result}). */
  JsonNode query(String promql) throws IOException, InterruptedException {
    JsonNode answer = get("query?query=" + encode(promql));
    if (!"success".equals(answer.path("status").asText())) {
      throw new IllegalArgumentException(promql + ": " + answer);
    }
    return answer.path("data").path("result");
  }

  /** Every metric name Prometheus has stored (from the scrapes). */
  JsonNode metricNames() throws IOException, InterruptedException {
    return get("label/__name__/values").path("data");
  }

  String logTail() throws IOException {
    return Files.readString(log);
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
