package io.imagebatch.operator;

import static io.imagebatch.operator.Batches.component;
import static io.imagebatch.operator.Batches.index;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.ImageCounts;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.RequiresControllerManager;
import io.imagebatch.e2e.controlplane.TestNamespace;
import io.imagebatch.e2e.controlplane.node.NodeSimulator;
import io.imagebatch.e2e.controlplane.node.PodBehavior;
import io.imagebatch.operator.workload.Labels;
import io.imagebatch.operator.workload.ShardResultFinalizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 5,000 shards, simulated: the packaged operator (as the chart's ServiceAccount) folds every
 * shard's summary exactly once, with 20 failed images, and releases every pod. Prints the
 * operator's CPU time, its peak RSS and the status size (docs/benchmarks.md, "5,000 shards").
 */
@ExtendWith(ControlPlaneExtension.class)
@RequiresControllerManager
class ManyShardsIT {
  private static final int SHARDS = 5000;
  private static final int PER_SHARD = 10;
  private static final int FAILURES = 20;

  @Test
  void fiveThousandShardsCompleteWithExactCounts(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) throws Exception {
    InProcessOperator.installCrds(client);
    node.behavior(
        PodBehavior.scripted(
            pod ->
                Labels.PLAN.equals(component(pod))
                    ? Batches.plan((long) SHARDS * PER_SHARD, SHARDS, "many")
                    : Batches.shard(index(pod), PER_SHARD, index(pod) < FAILURES ? 1 : 0)));
    try (ChartServiceAccount account = ChartServiceAccount.install(client, ns.name());
        Supervisor operator = new Supervisor(account, ns)) {
      long started = System.nanoTime();
      Batches.create(
          client,
          ns.name(),
          """
          apiVersion: imagebatch.io/v1alpha1
          kind: ImageBatch
          metadata: { name: many }
          spec:
            source: { s3: { bucket: raw, credentialsSecret: s3-credentials } }
            variants: [ { name: thumb, width: 400, formats: [webp] } ]
            output: { s3: { bucket: derived, credentialsSecret: s3-credentials } }
            execution: { imagesPerShard: 10, parallelism: 1000, maxFailedImages: 20 }
          """);
      await()
          .atMost(Duration.ofMinutes(20))
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () -> {
                operator.check();
                return phase(client, ns) == Phase.Succeeded || phase(client, ns) == Phase.Failed;
              });
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      ImageBatch done = Batches.get(client, ns.name(), "many");
      ImageBatchStatus status = done.getStatus();
      assertThat(status.phase()).as(String.valueOf(status.conditions())).isEqualTo(Phase.Succeeded);
      assertThat(status.images())
          .isEqualTo(
              new ImageCounts(
                  (long) SHARDS * PER_SHARD,
                  (long) SHARDS * PER_SHARD - FAILURES,
                  (long) FAILURES,
                  0L));
      assertThat(status.shards().total()).isEqualTo(SHARDS);
      assertThat(status.shards().succeeded()).isEqualTo(SHARDS);
      assertThat(status.shards().folded()).isEqualTo("0-" + (SHARDS - 1));
      assertThat(status.shards().unknown()).isNull();
      assertThat(status.variants().written())
          .isEqualTo(2L * ((long) SHARDS * PER_SHARD - FAILURES));
      assertThat(status.failures()).hasSize(FAILURES);
      await()
          .atMost(Duration.ofMinutes(5))
          .until(
              () ->
                  Batches.pods(client, ns.name(), Labels.PROCESS).stream()
                      .noneMatch(ShardResultFinalizer::held));

      int statusBytes =
          client
              .getKubernetesSerialization()
              .asJson(status)
              .getBytes(StandardCharsets.UTF_8)
              .length;
      int objectBytes =
          client.getKubernetesSerialization().asJson(done).getBytes(StandardCharsets.UTF_8).length;
      assertThat(objectBytes).as("the ImageBatch, well under etcd's 1.5 MiB").isLessThan(64 * 1024);
      operator.check();
      System.out.printf(
          "OPERATOR 5000 SHARDS: succeeded after %.1f s; operator CPU time %.1f s (user+system,"
              + " whole process%s); peak RSS %d MiB (VmHWM, -Xmx256m); status %d bytes, whole"
              + " ImageBatch %d bytes%n",
          took.toMillis() / 1000.0,
          operator.cpuSeconds(),
          operator.restarts() == 0
              ? ""
              : ", " + operator.restarts() + " restarts after losing the Lease, all instances",
          operator.peakRssKib() >> 10,
          statusBytes,
          objectBytes);
    }
  }

  /**
   * The packaged operator as a Deployment keeps it: started again when it exits (a replica that
   * loses the Lease exits, as it may on a machine too busy to renew within 10 s). Samples CPU time
   * and peak RSS from /proc while each instance lives.
   */
  private static final class Supervisor implements AutoCloseable {
    private static final int MAX_RESTARTS = 3;

    private final ChartServiceAccount account;
    private final TestNamespace ns;
    private PackagedOperator current;
    private Proc last = new Proc(0, 0);
    private double endedCpu;
    private long peak;
    private int restarts;

    Supervisor(ChartServiceAccount account, TestNamespace ns) throws Exception {
      this.account = account;
      this.ns = ns;
      this.current = start();
    }

    private PackagedOperator start() throws Exception {
      return PackagedOperator.start(
          "many", account, ns.name(), "registry.example.com/runner:many", Map.of());
    }

    void check() throws Exception {
      if (current.isAlive()) {
        try {
          last = Proc.of(current.pid());
          peak = Math.max(peak, last.peakRssKib());
        } catch (java.io.IOException gone) {
          // exited between the two reads: the next check restarts it
        }
        return;
      }
      endedCpu += last.cpuSeconds();
      last = new Proc(0, 0);
      String log = current.log();
      current.close();
      if (restarts == MAX_RESTARTS) {
        throw new AssertionError(
            "the operator exited " + (restarts + 1) + " times; the last log:\n" + log);
      }
      current = start();
      restarts++;
    }

    double cpuSeconds() {
      return endedCpu + last.cpuSeconds();
    }

    long peakRssKib() {
      return peak;
    }

    int restarts() {
      return restarts;
    }

    @Override
    public void close() throws Exception {
      current.close();
    }
  }

  private static Phase phase(KubernetesClient client, TestNamespace ns) {
    ImageBatch batch = Batches.get(client, ns.name(), "many");
    return batch == null || batch.getStatus() == null ? null : batch.getStatus().phase();
  }

  /** A process's CPU time and peak resident set, from /proc. */
  record Proc(double cpuSeconds, long peakRssKib) {
    static Proc of(long pid) throws java.io.IOException {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // utime and stime are fields 14 and 15 of stat, 12 and 13 after "pid (comm) ".
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      long peak =
          Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
              .filter(l -> l.startsWith("VmHWM:"))
              .map(l -> Long.parseLong(l.replaceAll("\\D+", "")))
              .findFirst()
              .orElse(0L);
      return new Proc(ticks / 100.0, peak);
    }
  }
}
