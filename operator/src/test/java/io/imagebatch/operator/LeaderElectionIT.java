package io.imagebatch.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.TestNamespace;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Failover through the Lease {@code imagebatch-operator}: two packaged operators (prod profile,
 * JOSDK's default lease timings: 15 s duration, 10 s renew deadline, 2 s retry) watch one
 * namespace; only the Lease's holder reconciles, and when it crashes (SIGKILL, so the Lease is not
 * released) the other takes the Lease over once it expires and reconciles from then on. JOSDK takes
 * a replica's identity from HOSTNAME (the pod name in a Deployment). The operators run as the
 * chart's ServiceAccount with only the chart's RBAC, as in a cluster.
 */
@ExtendWith(ControlPlaneExtension.class)
class LeaderElectionIT {
  private static final String LEASE = "imagebatch-operator";
  private static final String RUNNER_IMAGE = "registry.example.com/runner:failover";

  private final List<AutoCloseable> operators = new ArrayList<>();

  @AfterEach
  void stopOperators() throws Exception {
    Exception failure = null;
    for (AutoCloseable operator : operators.reversed()) {
      try {
        operator.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Test
  void whenTheLeaderCrashesTheOtherReplicaTakesTheLeaseAndReconciles(
      KubernetesClient client, TestNamespace ns) throws Exception {
    InProcessOperator.installCrds(client);
    assertThat(PackagedOperator.JAR).as("run after package").exists();
    ChartServiceAccount account = account(client, ns);
    PackagedOperator a = start("operator-a", account, ns);
    PackagedOperator b = start("operator-b", account, ns);
    Map<String, PackagedOperator> byIdentity = Map.of(a.name(), a, b.name(), b);

    String first =
        await()
            .atMost(Duration.ofMinutes(2))
            .until(() -> holder(client, ns), h -> h != null && byIdentity.containsKey(h));
    PackagedOperator leader = byIdentity.get(first);
    PackagedOperator follower = leader == a ? b : a;
    // Both are ready: the follower too, so a Deployment's rollout does not wait for the Lease.
    for (PackagedOperator operator : List.of(a, b)) {
      await()
          .atMost(Duration.ofMinutes(1))
          .ignoreExceptions()
          .until(() -> operator.get("/q/health/ready").statusCode() == 200);
    }

    Batches.create(client, ns.name(), Batches.yaml("before", 200, ""));
    awaitPlanJob(client, ns, "before");
    assertThat(holder(client, ns)).as("the Lease's holder").isEqualTo(leader.name());
    assertThat(leader.reconciliations()).as(leader.name() + " reconciliations").isPositive();
    assertThat(follower.reconciliations()).as(follower.name() + " reconciliations").isZero();

    leader.kill();
    assertThat(leader.isAlive()).isFalse();
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> holder(client, ns), h -> follower.name().equals(h));

    Batches.create(client, ns.name(), Batches.yaml("after", 200, ""));
    awaitPlanJob(client, ns, "after");
    assertThat(follower.isAlive()).isTrue();
    assertThat(follower.reconciliations()).as(follower.name() + " reconciliations").isPositive();
    assertThat(holder(client, ns)).as("the Lease's holder").isEqualTo(follower.name());
  }

  /**
   * A replica that loses the Lease (here another holder takes it over, as after a network partition
   * outlasting the renew deadline) must not go on as if it led: it exits, and its pod restarts as a
   * candidate. Before, it logged "Stopped leading, configured not to exit", never reconciled again
   * and stayed ready.
   */
  @Test
  void aReplicaThatLosesTheLeaseExits(KubernetesClient client, TestNamespace ns) throws Exception {
    InProcessOperator.installCrds(client);
    PackagedOperator leader = start("operator-a", account(client, ns), ns);
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> holder(client, ns), h -> leader.name().equals(h));

    // A merge patch carries no resourceVersion: an edit() (read, then update) races the leader's
    // own renewals and fails with 409 Conflict now and then.
    client
        .resources(Lease.class)
        .inNamespace(ns.name())
        .withName(LEASE)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            """
            {"spec": {"holderIdentity": "intruder", "leaseDurationSeconds": 3600,
                      "renewTime": "%s"}}
            """
                .formatted(
                    DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX")
                        .format(ZonedDateTime.now(ZoneOffset.UTC))));

    assertThat(leader.exitsWithin(Duration.ofMinutes(1))).as("the replica exits").isTrue();
    assertThat(leader.exitCode()).isNotZero();
    assertThat(leader.log())
        .contains(
            "lost the Lease imagebatch-operator: exiting, so that the pod restarts as a candidate");
  }

  private ChartServiceAccount account(KubernetesClient client, TestNamespace ns) {
    ChartServiceAccount account = ChartServiceAccount.install(client, ns.name());
    operators.add(account);
    return account;
  }

  private PackagedOperator start(String identity, ChartServiceAccount account, TestNamespace ns)
      throws Exception {
    PackagedOperator operator =
        PackagedOperator.start(
            identity, account, ns.name(), RUNNER_IMAGE, Map.of("HOSTNAME", identity));
    operators.add(operator);
    return operator;
  }

  private static String holder(KubernetesClient client, TestNamespace ns) {
    Lease lease = client.resources(Lease.class).inNamespace(ns.name()).withName(LEASE).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static void awaitPlanJob(KubernetesClient client, TestNamespace ns, String batch) {
    Job plan = PackagedOperator.awaitPlanJob(client, ns.name(), batch);
    assertThat(plan.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo(RUNNER_IMAGE);
  }
}
