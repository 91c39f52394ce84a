package io.imagebatch.operator.config;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.imagebatch.operator.metrics.BatchMetrics;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Turns the Quarkus configuration into the plain settings the reconciler takes, and enables leader
 * election.
 */
public class SettingsProducer {

  @Produces
  @Singleton
  RunnerSettings runnerSettings(OperatorConfig config) {
    return RunnerSettings.of(
        config.runner().image(),
        config.runner().defaultResources().requests(),
        config.runner().defaultResources().limits(),
        config.stalledRecheck());
  }

  /**
   * One active replica at a time: replicas compete for the Lease {@code imagebatch-operator} in the
   * operator's namespace. Active in the prod profile
   * (quarkus.operator-sdk.activate-leader-election-for-profiles).
   */
  @Produces
  @Singleton
  LeaderElectionConfiguration leaderElection(BatchMetrics metrics) {
    // imagebatch_leader follows the Lease, for the "no leader" alert (docs/operations.md).
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration("imagebatch-operator")
        .withLeaderCallbacks(
            new LeaderCallbacks(
                () -> metrics.leading(true), () -> metrics.leading(false), identity -> {}))
        .build();
  }
}
