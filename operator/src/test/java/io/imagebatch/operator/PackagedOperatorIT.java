package io.imagebatch.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.ControlPlane;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.TestNamespace;
import io.imagebatch.operator.dependent.Labels;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The packaged operator (target/quarkus-app, prod profile: CDI wiring, configuration, leader
 * election, health, metrics) run as a process against the control plane.
 */
@ExtendWith(ControlPlaneExtension.class)
class PackagedOperatorIT {

  @Test
  void thePackagedOperatorBecomesReadyAndCreatesThePlanJob(
      KubernetesClient client, TestNamespace ns, ControlPlane plane) throws Exception {
    InProcessOperator.installCrds(client);
    Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
    assertThat(jar).as("run after package").exists();
    int port = freePort();
    Path log = Files.createTempFile("imagebatch-operator-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-Dquarkus.http.port=" + port,
                    "-Dquarkus.operator-sdk.controllers.imagebatch.namespaces=" + ns.name(),
                    "-Dimagebatch.runner.image=registry.example.com/runner:smoke",
                    "-jar",
                    jar.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("KUBECONFIG", plane.kubeconfig().toString());
    builder.environment().put("KUBERNETES_NAMESPACE", ns.name());
    Process operator = builder.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      await()
          .atMost(Duration.ofMinutes(1))
          .ignoreExceptions()
          .until(() -> get(http, port, "/q/health/ready").statusCode() == 200);

      Batches.create(client, ns.name(), Batches.yaml("packaged", 200, ""));
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  client
                          .batch()
                          .v1()
                          .jobs()
                          .inNamespace(ns.name())
                          .withName("packaged-plan-g1")
                          .get()
                      != null);
      assertThat(
              client
                  .batch()
                  .v1()
                  .jobs()
                  .inNamespace(ns.name())
                  .withName("packaged-plan-g1")
                  .get()
                  .getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .getImage())
          .isEqualTo("registry.example.com/runner:smoke");
      assertThat(
              client
                  .batch()
                  .v1()
                  .jobs()
                  .inNamespace(ns.name())
                  .withName("packaged-plan-g1")
                  .get()
                  .getMetadata()
                  .getLabels())
          .containsEntry(Labels.MANAGED_BY, Labels.OPERATOR);

      String metrics = get(http, port, "/q/metrics").body();
      assertThat(metrics)
          .contains("imagebatch_reconciliations_total")
          .contains("imagebatch_batches{phase=\"Planning\"}")
          .contains("imagebatch_images_total{result=\"processed\"}")
          .contains("imagebatch_images_total{result=\"failed\"}");
      assertThat(get(http, port, "/q/health/live").statusCode()).isEqualTo(200);
      assertThat(plane.kubectl("get", "lease", "-A").orThrow()).contains("imagebatch-operator");
    } finally {
      operator.destroy();
      if (!operator.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        operator.destroyForcibly();
      }
      System.out.println("--- operator log ---\n" + Files.readString(log));
      Files.deleteIfExists(log);
    }
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
