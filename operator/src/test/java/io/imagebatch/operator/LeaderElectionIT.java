package io.imagebatch.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.ControlPlane;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.TestNamespace;
import java.time.Duration;
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
 * a replica's identity from HOSTNAME (the pod name in a Deployment).
 */
@ExtendWith(ControlPlaneExtension.class)
class LeaderElectionIT {
  private static final String LEASE = "imagebatch-operator";
  private static final String RUNNER_IMAGE = "registry.example.com/runner:failover";

  private final List<PackagedOperator> operators = new ArrayList<>();

  @AfterEach
  void stopOperators() throws Exception {
    Exception failure = null;
    for (PackagedOperator operator : operators) {
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
      KubernetesClient client, TestNamespace ns, ControlPlane plane) throws Exception {
    InProcessOperator.installCrds(client);
    assertThat(PackagedOperator.JAR).as("run after package").exists();
    PackagedOperator a = start("operator-a", plane, ns);
    PackagedOperator b = start("operator-b", plane, ns);
    Map<String, PackagedOperator> byIdentity = Map.of(a.name(), a, b.name(), b);

    String first =
        await()
            .atMost(Duration.ofMinutes(2))
            .until(() -> holder(client, ns), h -> h != null && byIdentity.containsKey(h));
    PackagedOperator leader = byIdentity.get(first);
    PackagedOperator follower = leader == a ? b : a;
    // Both are ready: the follower too, so a Deployment's rollout does not wait for the Lease.
    for (PackagedOperator operator : operators) {
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

  private PackagedOperator start(String identity, ControlPlane plane, TestNamespace ns)
      throws Exception {
    PackagedOperator operator =
        PackagedOperator.start(
            identity, plane, ns.name(), RUNNER_IMAGE, Map.of("HOSTNAME", identity));
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
