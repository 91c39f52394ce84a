package io.imagebatch.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.node.NodeSimulator;
import io.imagebatch.e2e.controlplane.node.Outcome;
import io.imagebatch.e2e.controlplane.node.PodBehavior;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The GA Job failure features the operator relies on, against the real job controller. */
@ExtendWith(ControlPlaneExtension.class)
@RequiresControllerManager
class JobFailurePoliciesIT {

  private static final Duration LIMIT = Duration.ofMinutes(2);

  @Test
  void backoffLimitPerIndexRetriesAFailingIndexOnceThenFailsIt(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(
        PodBehavior.scripted(
            pod ->
                pod.completionIndex().orElseThrow() == 1
                    ? Outcome.failed(1, "index 1 always fails")
                    : Outcome.succeeded()));
    Job job = Jobs.indexed("per-index", 3).editSpec().withBackoffLimitPerIndex(1).endSpec().build();

    client.batch().v1().jobs().inNamespace(ns.name()).resource(job).create();

    await()
        .atMost(LIMIT)
        .until(
            () -> Jobs.condition(Jobs.get(client, ns.name(), "per-index"), "Failed").isPresent());
    Job done = Jobs.get(client, ns.name(), "per-index");
    assertThat(done.getStatus().getFailedIndexes()).isEqualTo("1");
    assertThat(done.getStatus().getCompletedIndexes()).isEqualTo("0,2");
    assertThat(Jobs.condition(done, "Failed").orElseThrow().getReason()).isEqualTo("FailedIndexes");
    List<Pod> indexOne =
        Jobs.pods(client, ns.name(), "per-index").stream()
            .filter(
                p ->
                    "1"
                        .equals(
                            p.getMetadata()
                                .getAnnotations()
                                .get("batch.kubernetes.io/job-completion-index")))
            .toList();
    // The first attempt and exactly one retry.
    assertThat(indexOne).hasSize(2).allMatch(p -> p.getStatus().getPhase().equals("Failed"));
  }

  @Test
  void podFailurePolicyFailsTheJobAtOnceOnExitCode3(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(PodBehavior.scripted(pod -> Outcome.failed(3, "bad input")));
    Job job =
        Jobs.indexed("exit-three", 1)
            .editSpec()
            .withBackoffLimit(6)
            .withNewPodFailurePolicy()
            .addNewRule()
            .withAction("FailJob")
            .withNewOnExitCodes()
            .withOperator("In")
            .withValues(3)
            .endOnExitCodes()
            .endRule()
            .endPodFailurePolicy()
            .endSpec()
            .build();

    client.batch().v1().jobs().inNamespace(ns.name()).resource(job).create();

    await()
        .atMost(LIMIT)
        .until(
            () -> Jobs.condition(Jobs.get(client, ns.name(), "exit-three"), "Failed").isPresent());
    Job done = Jobs.get(client, ns.name(), "exit-three");
    assertThat(Jobs.condition(done, "Failed").orElseThrow().getReason())
        .isEqualTo("PodFailurePolicy");
    // No retry despite backoffLimit 6: the rule ended the Job on the first failure.
    assertThat(Jobs.pods(client, ns.name(), "exit-three")).hasSize(1);
  }

  @Test
  void scriptedOomKillIsReportedLikeAKubeletWould(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(PodBehavior.scripted(pod -> Outcome.oomKilled()));

    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns.name())
        .resource(Jobs.indexed("oom", 1).build())
        .create();

    await()
        .atMost(LIMIT)
        .until(
            () ->
                Jobs.pods(client, ns.name(), "oom").stream()
                    .anyMatch(p -> "Failed".equals(p.getStatus().getPhase())));
    Pod failed =
        Jobs.pods(client, ns.name(), "oom").stream()
            .filter(p -> "Failed".equals(p.getStatus().getPhase()))
            .findFirst()
            .orElseThrow();
    var terminated =
        failed.getStatus().getContainerStatuses().getFirst().getState().getTerminated();
    assertThat(terminated.getReason()).isEqualTo("OOMKilled");
    assertThat(terminated.getExitCode()).isEqualTo(137);
  }
}
