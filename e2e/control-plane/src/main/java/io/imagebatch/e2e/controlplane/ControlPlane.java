package io.imagebatch.e2e.controlplane;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real etcd, kube-apiserver and kube-controller-manager on free loopback ports, with generated
 * certificates and a kubeconfig. There is no scheduler and no kubelet: {@code
 * io.imagebatch.e2e.controlplane.node.NodeSimulator} binds pods and reports their status.
 *
 * <p>Tests normally use {@link #shared()}: one control plane per test JVM, stopped by a shutdown
 * hook, because starting one costs seconds and each test isolates itself in its own namespace.
 */
public final class ControlPlane implements AutoCloseable {

  /** System property: keep the work dir (logs, etcd data) after the JVM exits, for debugging. */
  public static final String KEEP_PROPERTY = "imagebatch.controlPlane.keep";

  private static final Duration START_LIMIT = Duration.ofMinutes(2);
  private static final Duration POLL = Duration.ofMillis(200);

  private static ControlPlane shared;
  private static RuntimeException sharedFailure;

  private final Path workDir;
  private final List<ManagedProcess> processes;
  private final OrphanWatchdog watchdog;
  private final Path kubeconfig;
  private final KubernetesClient client;
  private final Kubectl kubectl;
  private final K8sBinaries binaries;

  private ControlPlane(
      Path workDir,
      List<ManagedProcess> processes,
      OrphanWatchdog watchdog,
      Path kubeconfig,
      KubernetesClient client,
      Kubectl kubectl,
      K8sBinaries binaries) {
    this.workDir = workDir;
    this.processes = processes;
    this.watchdog = watchdog;
    this.kubeconfig = kubeconfig;
    this.client = client;
    this.kubectl = kubectl;
    this.binaries = binaries;
  }

  /**
   * The JVM-wide control plane, started on first use. A failed start is remembered, so that the
   * second test class fails (or skips) at once instead of trying again.
   *
   * @throws ControlPlaneUnavailableException when binaries are missing and cannot be built here
   */
  public static synchronized ControlPlane shared() {
    if (shared != null) {
      return shared;
    }
    if (sharedFailure != null) {
      throw sharedFailure;
    }
    try {
      Path workDir = Files.createTempDirectory("imagebatch-control-plane-");
      K8sBinaries binaries = BinaryResolver.resolve(workDir.resolve("logs"));
      shared = start(binaries, workDir);
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "control-plane-stop"));
      return shared;
    } catch (RuntimeException e) {
      sharedFailure = e;
      throw e;
    } catch (IOException e) {
      sharedFailure = new UncheckedIOException(e);
      throw sharedFailure;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted starting the control plane", e);
    }
  }

  /** Starts a control plane of its own in {@code workDir}; the caller closes it. */
  public static ControlPlane start(K8sBinaries binaries, Path workDir)
      throws IOException, InterruptedException {
    Path logs = Files.createDirectories(workDir.resolve("logs"));
    Pki pki = Pki.generate(workDir.resolve("pki"));
    List<ManagedProcess> processes = new ArrayList<>();
    try {
      int etcdPort = FreePorts.next();
      processes.add(
          ManagedProcess.start(
              "etcd", ComponentCommands.etcd(binaries, workDir, etcdPort, FreePorts.next()), logs));
      awaitEtcd(processes.getFirst(), etcdPort);

      int apiPort = FreePorts.next();
      ManagedProcess apiserver =
          ManagedProcess.start(
              "kube-apiserver",
              ComponentCommands.apiserver(binaries, workDir, pki, etcdPort, apiPort),
              logs);
      processes.add(apiserver);
      Path kubeconfig =
          Kubeconfig.write(workDir.resolve("kubeconfig"), "https://127.0.0.1:" + apiPort, pki);
      Kubectl kubectl = new Kubectl(binaries.kubectl(), kubeconfig, workDir.resolve("kubectl"));
      awaitReady(apiserver, kubectl);

      if (binaries.hasControllerManager()) {
        processes.add(
            ManagedProcess.start(
                "kube-controller-manager",
                ComponentCommands.controllerManager(
                    binaries, workDir, pki, kubeconfig, FreePorts.next()),
                logs));
      }
      OrphanWatchdog watchdog =
          OrphanWatchdog.watch(processes.stream().map(ManagedProcess::pid).toList());
      KubernetesClient client = newClient(kubeconfig);
      ControlPlane plane =
          new ControlPlane(
              workDir, List.copyOf(processes), watchdog, kubeconfig, client, kubectl, binaries);
      try {
        plane.awaitDefaultServiceAccount("default");
      } catch (RuntimeException e) {
        plane.stop();
        throw e;
      }
      return plane;
    } catch (RuntimeException | IOException e) {
      processes.reversed().forEach(ManagedProcess::close);
      // The work dir stays: its logs are how one finds out why.
      throw new IllegalStateException(
          "control plane failed to start (logs in " + logs + "): " + e.getMessage(), e);
    }
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public KubernetesClient client() {
    return client;
  }

  public Kubectl kubectl() {
    return kubectl;
  }

  public K8sBinaries binaries() {
    return binaries;
  }

  /** Where logs ({@code logs/*.log}), certificates and etcd data live. */
  public Path workDir() {
    return workDir;
  }

  /** Runs kubectl against this cluster's kubeconfig. */
  public KubectlResult kubectl(String... args) {
    return kubectl.run(args);
  }

  /**
   * Creates a namespace and waits for its default ServiceAccount: until the controller manager has
   * made it, admission rejects every pod in the namespace.
   */
  public TestNamespace createNamespace(String name, Map<String, String> labels) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
    awaitDefaultServiceAccount(name);
    return new TestNamespace(name);
  }

  /** Waits until the API server serves a just-created CRD (its Established condition). */
  public static void awaitEstablished(KubernetesClient client, String crd) {
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(crd)
        .waitUntilCondition(
            c ->
                c != null
                    && c.getStatus() != null
                    && c.getStatus().getConditions() != null
                    && c.getStatus().getConditions().stream()
                        .anyMatch(
                            k -> "Established".equals(k.getType()) && "True".equals(k.getStatus())),
            1,
            java.util.concurrent.TimeUnit.MINUTES);
  }

  /** Starts deleting a namespace without waiting: the next test does not need it gone. */
  public void deleteNamespace(TestNamespace namespace) {
    client.namespaces().withName(namespace.name()).delete();
  }

  public boolean hasControllerManager() {
    return binaries.hasControllerManager();
  }

  private void awaitDefaultServiceAccount(String namespace) {
    if (!hasControllerManager()) {
      // Do the serviceaccount controller's one job ourselves, so pods can be admitted.
      client
          .serviceAccounts()
          .inNamespace(namespace)
          .resource(
              new ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName("default")
                  .endMetadata()
                  .build())
          .serverSideApply();
      return;
    }
    await("ServiceAccount default in " + namespace)
        .atMost(START_LIMIT)
        .pollInterval(POLL)
        .until(
            () -> {
              processes.forEach(ManagedProcess::checkAlive);
              return client.serviceAccounts().inNamespace(namespace).withName("default").get()
                  != null;
            });
  }

  @Override
  public synchronized void close() {
    stop();
    if (!Boolean.getBoolean(KEEP_PROPERTY)) {
      deleteRecursively(workDir);
    }
  }

  private void stop() {
    client.close();
    processes.reversed().forEach(ManagedProcess::close);
    watchdog.close();
  }

  private static void awaitEtcd(ManagedProcess etcd, int port) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest health =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
            .timeout(Duration.ofSeconds(2))
            .build();
    await("etcd health")
        .atMost(START_LIMIT)
        .pollInterval(POLL)
        .until(
            () -> {
              etcd.checkAlive();
              try {
                return http.send(health, HttpResponse.BodyHandlers.ofString())
                    .body()
                    .contains("\"health\":\"true\"");
              } catch (IOException e) {
                return false;
              }
            });
  }

  private static void awaitReady(ManagedProcess apiserver, Kubectl kubectl) {
    await("kube-apiserver /readyz")
        .atMost(START_LIMIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              apiserver.checkAlive();
              return kubectl.run("get", "--raw=/readyz").stdout().strip().equals("ok");
            });
  }

  private static KubernetesClient newClient(Path kubeconfig) throws IOException {
    Config config = Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8));
    config.setRequestTimeout(30_000);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a leftover temp dir must not turn a green run red.
    }
  }
}
