package io.imagebatch.operator.config;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.imagebatch.operator.metrics.BatchMetrics;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Turns the Quarkus configuration into the plain settings the reconciler takes, and enables leader
 * election.
 */
public class SettingsProducer {
  public static final String LEASE = "imagebatch-operator";
  private static final System.Logger LOG = System.getLogger(SettingsProducer.class.getName());

  @Produces
  @Singleton
  RunnerSettings runnerSettings(OperatorConfig config) {
    return RunnerSettings.of(
            config.runner().image(),
            config.runner().defaultResources().requests(),
            config.runner().defaultResources().limits(),
            config.stalledRecheck())
        .withHttpAllowHosts(config.runner().httpAllowHosts());
  }

  /**
   * One active replica at a time: replicas compete for the Lease {@code imagebatch-operator} in the
   * operator's namespace. Active in the prod profile
   * (quarkus.operator-sdk.activate-leader-election-for-profiles).
   *
   * <p>A replica that loses the Lease exits (and its pod restarts as a candidate): JOSDK's builder
   * would leave it running, never reconciling again but ready. JOSDK's own exit (System.exit on the
   * elector's thread) deadlocks with Quarkus' shutdown, which waits for that thread, so the exit is
   * Quarkus' asynchronous one. JOSDK's timings: lease 15 s, renew deadline 10 s, retry 2 s; the
   * identity is HOSTNAME (the pod name).
   */
  @Produces
  @Singleton
  LeaderElectionConfiguration leaderElection(BatchMetrics metrics) {
    // imagebatch_leader follows the Lease, for the "no leader" alert (docs/operations.md).
    return new LeaderElectionConfiguration(
        LEASE,
        null,
        Duration.ofSeconds(15),
        Duration.ofSeconds(10),
        Duration.ofSeconds(2),
        null,
        new LeaderCallbacks(
            () -> metrics.leading(true),
            () -> {
              metrics.leading(false);
              exitUnlessShuttingDown();
            },
            leader -> {}),
        false);
  }

  private static void exitUnlessShuttingDown() {
    if (ApplicationLifecycleManager.isVmShuttingDown()) {
      return; // a normal stop: the process is on its way out already
    }
    LOG.log(
        System.Logger.Level.ERROR,
        "lost the Lease " + LEASE + ": exiting, so that the pod restarts as a candidate");
    Quarkus.asyncExit(1);
  }
}
