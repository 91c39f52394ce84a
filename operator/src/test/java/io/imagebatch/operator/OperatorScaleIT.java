package io.imagebatch.operator;

import static io.imagebatch.operator.Batches.component;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.RequiresControllerManager;
import io.imagebatch.e2e.controlplane.TestNamespace;
import io.imagebatch.e2e.controlplane.node.NodeSimulator;
import io.imagebatch.operator.dependent.Labels;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 200 batches in one namespace: every one gets its plan Job and then its Indexed Job. Prints the
 * wall-clock times and the heap used after GC (docs/benchmarks.md, "Operator scale"); asserts only
 * that every batch got its Jobs. The operator acts as the chart's ServiceAccount, with only the
 * chart's RBAC.
 */
@ExtendWith(ControlPlaneExtension.class)
@RequiresControllerManager
class OperatorScaleIT {
  private static final int BATCHES = 200;

  @Test
  void twoHundredBatchesAllGetTheirJobs(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(
        pod ->
            Labels.PLAN.equals(component(pod))
                ? Optional.of(Batches.plan(200, 1, "scale"))
                : Optional.empty());
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long heapBefore = memory.getHeapMemoryUsage().getUsed();
    try (ChartServiceAccount account = ChartServiceAccount.install(client, ns.name());
        var operator =
            InProcessOperator.start(
                client, account.client(), InProcessOperator.settings(), ns.name())) {
      long started = System.nanoTime();
      for (int i = 0; i < BATCHES; i++) {
        Batches.create(client, ns.name(), Batches.yaml("b" + i, 200, ""));
      }
      await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> jobs(client, ns.name(), Labels.PLAN) == BATCHES);
      Duration plans = Duration.ofNanos(System.nanoTime() - started);
      await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> jobs(client, ns.name(), Labels.PROCESS) == BATCHES);
      Duration all = Duration.ofNanos(System.nanoTime() - started);
      System.gc();
      long heapAfter = memory.getHeapMemoryUsage().getUsed();
      System.out.printf(
          "OPERATOR SCALE: %d batches: all plan Jobs after %.1f s, all Indexed Jobs after %.1f s;"
              + " heap used after GC %d MiB (before the operator started: %d MiB, so the operator"
              + " and its informer caches hold about %d MiB); %.0f reconciliations%n",
          BATCHES,
          plans.toMillis() / 1000.0,
          all.toMillis() / 1000.0,
          heapAfter >> 20,
          heapBefore >> 20,
          (heapAfter - heapBefore) >> 20,
          operator.metrics().registry().get("imagebatch.reconciliations").counter().count());
      assertThat(jobs(client, ns.name(), Labels.PLAN)).isEqualTo(BATCHES);
    }
  }

  private static int jobs(KubernetesClient client, String namespace, String component) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(namespace)
        .withLabel(Labels.COMPONENT, component)
        .list()
        .getItems()
        .size();
  }
}
