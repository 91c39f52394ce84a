package io.imagebatch.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.RequiresControllerManager;
import io.imagebatch.e2e.controlplane.TestNamespace;
import io.imagebatch.operator.workload.Labels;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 18's operator scale measurement: {@code -Dimagebatch.scale.batches=N} ImageBatches created
 * at once, the packaged operator (prod profile, as the chart's ServiceAccount) as its pod runs it:
 * the image's JVM flags and environment under the chart's 512Mi memory limit. Outside a container
 * {@code -XX:MaxRAM=512m -XX:+UseSerialGC} gives the JVM the same ergonomics (in a 512Mi container
 * it sees 512 MiB of memory and picks the Serial collector; here it would pick G1). Prints the time
 * until every plan Job exists, the operator's peak RSS and CPU time with N batches alive, and the
 * API requests it made per batch (docs/benchmarks.md, "1,000 and 5,000 batches"). A benchmark, so
 * CI leaves it out; it asserts only that every batch got its plan Job and its status.
 */
@ExtendWith(ControlPlaneExtension.class)
@RequiresControllerManager
@EnabledIfSystemProperty(named = "imagebatch.scale.batches", matches = "\\d+")
class ManyBatchesIT {
  /**
   * The image's JVM flags and environment ({@link ImageJvmSettings}). To compare settings, {@code
   * -Dimagebatch.scale.image=false} leaves the image's out and {@code -Dimagebatch.scale.jvm="..."}
   * adds flags.
   */
  private static final ImageJvmSettings IMAGE =
      Boolean.parseBoolean(System.getProperty("imagebatch.scale.image", "true"))
          ? ImageJvmSettings.load()
          : new ImageJvmSettings(List.of(), Map.of());

  private static final List<String> POD_DEFAULTS =
      Stream.of(
              Stream.of("-XX:MaxRAM=512m", "-XX:+UseSerialGC"),
              IMAGE.arguments().stream(),
              Stream.of(System.getProperty("imagebatch.scale.jvm", "").split(" "))
                  .filter(flag -> !flag.isBlank()))
          .flatMap(flags -> flags)
          .toList();

  /**
   * Requests the API server dispatched for the flow schema "service-accounts": in this control
   * plane only the operator's ServiceAccount matches it (the controller-manager's controllers match
   * "kube-system-service-accounts", the test's admin client is exempt).
   */
  private static final Pattern OPERATOR_REQUESTS =
      Pattern.compile(
          "^apiserver_flowcontrol_dispatched_requests_total\\{[^}]*flow_schema=\"service-accounts\""
              + "[^}]*} (\\S+)$",
          Pattern.MULTILINE);

  @Test
  void everyBatchGetsItsPlanJob(KubernetesClient client, TestNamespace ns) throws Exception {
    int batches = Integer.getInteger("imagebatch.scale.batches");
    InProcessOperator.installCrds(client);
    try (ChartServiceAccount account = ChartServiceAccount.install(client, ns.name());
        SupervisedOperator operator =
            new SupervisedOperator(
                "scale", account, ns.name(), POD_DEFAULTS, IMAGE.environment(), 0)) {
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> operatorRequests(client) > 0); // it started and holds its Lease
      double requestsBefore = operatorRequests(client);
      double cpuBefore = cpu(operator);

      long started = System.nanoTime();
      create(client, ns.name(), batches);
      Duration created = Duration.ofNanos(System.nanoTime() - started);
      await()
          .atMost(Duration.ofMinutes(30))
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () -> {
                operator.check();
                return planJobs(client, ns.name()) == batches;
              });
      Duration plans = Duration.ofNanos(System.nanoTime() - started);
      await()
          .atMost(Duration.ofMinutes(30))
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () -> {
                operator.check();
                return planning(client, ns.name()) == batches;
              });
      Duration statuses = Duration.ofNanos(System.nanoTime() - started);
      operator.check();
      double requests = operatorRequests(client) - requestsBefore;
      double cpu = operator.cpuSeconds() - cpuBefore;

      System.out.printf(
          "OPERATOR %d BATCHES: created in %.1f s; every plan Job after %.1f s, every status"
              + " Planning after %.1f s; operator CPU %.1f s (%.1f ms per batch); peak RSS %d MiB"
              + " (VmHWM, %s %s); %.0f API requests (%.1f per batch)%n",
          batches,
          created.toMillis() / 1000.0,
          plans.toMillis() / 1000.0,
          statuses.toMillis() / 1000.0,
          cpu,
          cpu * 1000 / batches,
          operator.peakRssKib() >> 10,
          String.join(" ", POD_DEFAULTS),
          IMAGE.environment(),
          requests,
          requests / batches);
      assertThat(operator.restarts()).as("restarts").isZero();
      assertThat(planJobs(client, ns.name())).isEqualTo(batches);
    }
  }

  /** Creates the batches from 8 threads, as a GitOps sync or a script applying a directory. */
  private static void create(KubernetesClient client, String namespace, int batches)
      throws Exception {
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<ImageBatch>> created =
          java.util.stream.IntStream.range(0, batches)
              .mapToObj(
                  i ->
                      pool.submit(
                          () -> Batches.create(client, namespace, Batches.yaml("b" + i, 200, ""))))
              .toList();
      for (Future<ImageBatch> batch : created) {
        batch.get();
      }
    }
  }

  private static double cpu(SupervisedOperator operator) throws Exception {
    operator.check();
    return operator.cpuSeconds();
  }

  private static int planJobs(KubernetesClient client, String namespace) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(namespace)
        .withLabel(Labels.COMPONENT, Labels.PLAN)
        .list()
        .getItems()
        .size();
  }

  private static long planning(KubernetesClient client, String namespace) {
    return client.resources(ImageBatch.class).inNamespace(namespace).list().getItems().stream()
        .filter(b -> b.getStatus() != null && b.getStatus().phase() == Phase.Planning)
        .count();
  }

  private static double operatorRequests(KubernetesClient client) {
    Matcher matcher = OPERATOR_REQUESTS.matcher(client.raw("/metrics"));
    double sum = 0;
    while (matcher.find()) {
      sum += Double.parseDouble(matcher.group(1));
    }
    return sum;
  }
}
