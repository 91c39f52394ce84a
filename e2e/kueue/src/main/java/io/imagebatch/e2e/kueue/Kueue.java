package io.imagebatch.e2e.kueue;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.ControlPlane;
import io.imagebatch.e2e.controlplane.FreePorts;
import io.imagebatch.e2e.controlplane.OrphanWatchdog;
import io.imagebatch.e2e.controlplane.ProcessLogs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Kueue's controller manager, built from its Go module ({@link KueueBuild}), against a {@link
 * ControlPlane}: its CRDs (those its kustomization converts by webhook get a conversion webhook at
 * {@code https://127.0.0.1:<port>/convert}), its admission webhooks for Kueue's own kinds and
 * batch/v1 Jobs (the only integration enabled) with {@code url:} client configs, and a serving
 * certificate for 127.0.0.1 made here. {@link #close()} removes the webhook configurations first,
 * so the shared control plane keeps admitting Jobs after Kueue stops.
 */
public final class Kueue implements AutoCloseable {

  /** The webhook configurations Kueue would install as {@code kueue-*-webhook-configuration}. */
  static final String MUTATING = "kueue-mutating-webhook-configuration";

  static final String VALIDATING = "kueue-validating-webhook-configuration";

  private static final Duration START_LIMIT = Duration.ofMinutes(2);

  static final String METRICS_CERTS = "/etc/kueue/metrics/certs";

  private final KubernetesClient client;
  private final Process process;
  private final OrphanWatchdog watchdog;
  private final Path log;

  private Kueue(KubernetesClient client, Process process, OrphanWatchdog watchdog, Path log) {
    this.client = client;
    this.process = process;
    this.watchdog = watchdog;
    this.log = log;
  }

  /**
   * Builds (or finds) Kueue, installs its CRDs and starts it; returns once its webhooks serve.
   *
   * @throws KueueUnavailableException when it is not built and there is no Go to build it
   */
  public static Kueue start(ControlPlane plane) throws IOException, InterruptedException {
    return start(plane.client(), plane.kubeconfig(), plane.workDir());
  }

  /**
   * The same against any cluster whose API server runs on this machine (it calls the webhooks at
   * 127.0.0.1), e.g. the real node of {@code e2e/node}: {@code client} and {@code kubeconfig} are
   * an admin's, {@code workDir} holds Kueue's configuration, certificates and log.
   */
  public static Kueue start(KubernetesClient client, Path kubeconfig, Path workDir)
      throws IOException, InterruptedException {
    Path work = Files.createDirectories(workDir.resolve("kueue"));
    Path dir = KueueBuild.resolve(work);
    int webhookPort = FreePorts.next();
    int healthPort = FreePorts.next();
    Path certs = Files.createDirectories(work.resolve("certs"));
    String caBundle = servingCertificate(certs);
    metricsCertificate(certs);
    String base = "https://127.0.0.1:" + webhookPort;

    KueueManifests manifests = new KueueManifests(dir.resolve("config"));
    for (CustomResourceDefinition crd : manifests.crds(base + "/convert", caBundle)) {
      client.resource(crd).forceConflicts().serverSideApply();
    }
    for (CustomResourceDefinition crd : manifests.crds(base + "/convert", caBundle)) {
      ControlPlane.awaitEstablished(client, crd.getMetadata().getName());
    }
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("kueue-system").endMetadata().build())
        .serverSideApply();

    Path config = work.resolve("config.yaml");
    Files.writeString(
        config, configuration(webhookPort, healthPort, certs), StandardCharsets.UTF_8);
    Path log = work.resolve("kueue.log");
    Process process =
        new ProcessBuilder(
                dir.resolve("kueue").toString(), "--config=" + config, "--kubeconfig=" + kubeconfig)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    Kueue kueue = new Kueue(client, process, OrphanWatchdog.watch(List.of(process.pid())), log);
    try {
      kueue.awaitReady(healthPort);
      for (HasMetadata webhooks : manifests.webhooks(base, caBundle, MUTATING, VALIDATING)) {
        client.resource(webhooks).forceConflicts().serverSideApply();
      }
    } catch (RuntimeException e) {
      kueue.close();
      throw new IllegalStateException(
          "Kueue failed to start (log " + log + "):\n" + ProcessLogs.tail(log, 30), e);
    }
    return kueue;
  }

  /** The last lines of Kueue's log, for an assertion message. */
  public String logTail() {
    return ProcessLogs.tail(log, 40);
  }

  /** A Workload of namespace {@code namespace} owned by Job {@code job}, if Kueue made one. */
  public GenericKubernetesResource workloadOf(String namespace, String job) {
    return client
        .genericKubernetesResources("kueue.x-k8s.io/v1beta2", "Workload")
        .inNamespace(namespace)
        .list()
        .getItems()
        .stream()
        .filter(
            w ->
                w.getMetadata().getOwnerReferences().stream()
                    .anyMatch(o -> "Job".equals(o.getKind()) && job.equals(o.getName())))
        .findFirst()
        .orElse(null);
  }

  /** Whether Kueue admitted {@code workload} (its Admitted condition is True). */
  public static boolean admitted(GenericKubernetesResource workload) {
    return condition(workload, "Admitted");
  }

  /** Whether {@code workload}'s condition {@code type} is True. */
  public static boolean condition(GenericKubernetesResource workload, String type) {
    if (workload == null) {
      return false;
    }
    List<Map<String, Object>> conditions = workload.get("status", "conditions");
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> type.equals(c.get("type")) && "True".equals(c.get("status")));
  }

  @Override
  public void close() {
    client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(MUTATING).delete();
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .withName(VALIDATING)
        .delete();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    watchdog.close();
  }

  private void awaitReady(int healthPort) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest readyz =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/readyz"))
            .timeout(Duration.ofSeconds(2))
            .build();
    await("Kueue /readyz")
        .atMost(START_LIMIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException("kueue exited with code " + process.exitValue());
              }
              try {
                return http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode()
                    == 200;
              } catch (IOException e) {
                return false;
              }
            });
  }

  /**
   * Kueue's Configuration: webhooks on 127.0.0.1 with the certificate made here (no internal
   * certificate management, which would need a Service), no leader election, no metrics server,
   * only the batch/job integration, and no visibility API server (it needs an APIService).
   */
  private static String configuration(int webhookPort, int healthPort, Path certs) {
    return """
        apiVersion: config.kueue.x-k8s.io/v1beta2
        kind: Configuration
        namespace: kueue-system
        health:
          healthProbeBindAddress: "127.0.0.1:%d"
        metrics:
          bindAddress: "0"
        webhook:
          host: 127.0.0.1
          port: %d
          certDir: "%s"
        leaderElection:
          leaderElect: false
        internalCertManagement:
          enable: false
        featureGates:
          VisibilityOnDemand: false
        integrations:
          frameworks: ["batch/job"]
        """
        .formatted(healthPort, webhookPort, certs);
  }

  /**
   * A self-signed serving certificate for IP 127.0.0.1 as {@code tls.crt} / {@code tls.key} in
   * {@code dir}, where controller-runtime's webhook server looks; returns it base64-encoded, the
   * caBundle the API server trusts it by.
   */
  private static String servingCertificate(Path dir) throws IOException, InterruptedException {
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "30",
                "-subj",
                "/CN=kueue-webhook",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                dir.resolve("tls.key").toString(),
                "-out",
                dir.resolve("tls.crt").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("openssl.log").toFile())
            .start();
    if (openssl.waitFor() != 0) {
      throw new IllegalStateException(
          "openssl failed:\n" + Files.readString(dir.resolve("openssl.log")));
    }
    return Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("tls.crt")));
  }

  /**
   * Kueue v0.17 reads a metrics certificate from the fixed path {@value #METRICS_CERTS} whenever it
   * does not manage certificates itself, and exits without one, even with the metrics server off.
   * The serving certificate stands in, if nothing is there yet.
   */
  private static void metricsCertificate(Path certs) throws IOException {
    Path dir = Path.of(METRICS_CERTS);
    if (Files.isRegularFile(dir.resolve("tls.crt"))
        && Files.isRegularFile(dir.resolve("tls.key"))) {
      return;
    }
    try {
      Files.createDirectories(dir);
      Files.copy(certs.resolve("tls.crt"), dir.resolve("tls.crt"));
      Files.copy(certs.resolve("tls.key"), dir.resolve("tls.key"));
    } catch (IOException e) {
      throw new KueueUnavailableException(
          "Kueue needs a certificate in "
              + METRICS_CERTS
              + ", which this user cannot create ("
              + e
              + "); create tls.crt and tls.key there once as root");
    }
  }
}
