package io.imagebatch.operator;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.ControlPlane;
import io.imagebatch.operator.config.RunnerSettings;
import io.imagebatch.operator.metrics.BatchMetrics;
import io.imagebatch.operator.reconciler.ImageBatchReconciler;
import io.imagebatch.operator.rollout.ImageRunnerReconciler;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The operator, run in the test JVM: a JOSDK {@link Operator} with the real reconciler, on the
 * test's client, watching one namespace. No Quarkus: the same classes, wired by hand.
 */
public final class InProcessOperator implements AutoCloseable {
  public static final String IMAGE = "registry.example.com/imagebatch-runner:test";
  private static volatile boolean crdsInstalled;

  private final Operator operator;
  private final BatchMetrics metrics;

  private InProcessOperator(Operator operator, BatchMetrics metrics) {
    this.operator = operator;
    this.metrics = metrics;
  }

  /** The settings the in-process operator runs with unless a test gives others. */
  public static RunnerSettings settings() {
    return RunnerSettings.of(
        IMAGE,
        Map.of("cpu", "500m", "memory", "512Mi"),
        Map.of("memory", "1Gi"),
        Duration.ofSeconds(1));
  }

  public static InProcessOperator start(KubernetesClient client, String... namespaces) {
    return start(client, client, settings(), namespaces);
  }

  /**
   * @param admin installs the CRDs
   * @param client the operator's own client (e.g. as the chart's ServiceAccount)
   */
  public static InProcessOperator start(
      KubernetesClient admin,
      KubernetesClient client,
      RunnerSettings settings,
      String... namespaces) {
    installCrds(admin);
    BatchMetrics metrics = new BatchMetrics(new SimpleMeterRegistry());
    Operator operator =
        new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
    operator.register(
        new ImageBatchReconciler(settings, metrics), c -> c.settingNamespaces(namespaces));
    operator.register(new ImageRunnerReconciler(metrics), c -> c.settingNamespaces(namespaces));
    operator.start();
    return new InProcessOperator(operator, metrics);
  }

  public BatchMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    operator.stop();
  }

  /** Applies crds/ (as committed) and waits until the API server serves them. */
  public static synchronized void installCrds(KubernetesClient client) {
    if (crdsInstalled) {
      return;
    }
    try (Stream<Path> files = Files.list(crdsDir())) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        CustomResourceDefinition crd;
        try (InputStream in = Files.newInputStream(file)) {
          crd = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
        }
        client.resource(crd).forceConflicts().serverSideApply();
        awaitEstablished(client, crd.getMetadata().getName());
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    crdsInstalled = true;
  }

  /** Waits until the API server serves a just-created CRD. */
  public static void awaitEstablished(KubernetesClient client, String crd) {
    ControlPlane.awaitEstablished(client, crd);
  }

  public static Path crdsDir() {
    String dir = System.getProperty("imagebatch.crds.dir");
    if (dir != null) {
      return Path.of(dir);
    }
    for (Path candidate : List.of(Path.of("crds"), Path.of("../crds"))) {
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no crds/ directory");
  }
}
