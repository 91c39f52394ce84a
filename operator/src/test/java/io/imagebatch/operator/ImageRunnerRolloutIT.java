package io.imagebatch.operator;

import static io.imagebatch.operator.Runners.BROKEN;
import static io.imagebatch.operator.Runners.V14;
import static io.imagebatch.operator.Runners.V15;
import static io.imagebatch.operator.Runners.V16;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.PinnedRunner;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.imagebatch.api.v1alpha1.ImageRunnerStatus.Promotion;
import io.imagebatch.api.v1alpha1.ImageRunnerStatus.VerificationPhase;
import io.imagebatch.api.v1alpha1.RunnerColor;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.RequiresControllerManager;
import io.imagebatch.e2e.controlplane.TestNamespace;
import io.imagebatch.e2e.controlplane.node.NodeSimulator;
import io.imagebatch.operator.rollout.VerificationBatches;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Blue-green rollouts of the runner image on the real control plane, driven only by spec changes
 * applied as a GitOps tool would; the scripted node passes or fails the verification pods by their
 * image.
 */
@ExtendWith(ControlPlaneExtension.class)
@RequiresControllerManager
class ImageRunnerRolloutIT {
  private static final Duration LIMIT = Duration.ofMinutes(2);

  @Test
  void autoVerifiesThenPromotesAndRunningBatchesKeepTheirImage(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    String ns1 = ns.name();
    node.behavior(Runners.node(Runners.none()));
    try (var _ = InProcessOperator.start(client, ns1)) {
      Runners.apply(client, ns1, Runners.yaml("default", "Auto", "blue", V14, null));
      await().atMost(LIMIT).until(() -> Runners.activeIs(client, ns1, "default", V14));

      // A batch that starts on blue and is still planning when green is promoted.
      node.behavior(Runners.node(Runners.batchIs("before")));
      Batches.create(client, ns1, Batches.yaml("before", 200, ""));
      await().atMost(LIMIT).until(() -> planJob(client, ns1, "before") != null);

      Runners.apply(client, ns1, Runners.yaml("default", "Auto", "blue", V14, V15));
      await().atMost(LIMIT).until(() -> Runners.activeIs(client, ns1, "default", V15));

      ImageRunner promoted = Runners.get(client, ns1, "default");
      assertThat(promoted.getStatus().activeColor()).isEqualTo(RunnerColor.GREEN);
      assertThat(promoted.getStatus().candidate()).isNull();
      assertThat(promoted.getStatus().history())
          .extracting(Promotion::color, Promotion::image, Promotion::reason)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(RunnerColor.BLUE, V14, "Initial"),
              org.assertj.core.groups.Tuple.tuple(RunnerColor.GREEN, V15, "Verified"));
      ImageBatch verification =
          Batches.get(client, ns1, VerificationBatches.name("default", RunnerColor.GREEN, V15));
      assertThat(verification.getStatus().phase()).isEqualTo(Phase.Succeeded);
      assertThat(verification.getStatus().runner())
          .isEqualTo(new PinnedRunner("default", "green", V15));
      assertThat(verification.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.getKind()).isEqualTo("ImageRunner");
                assertThat(o.getUid()).isEqualTo(promoted.getMetadata().getUid());
              });
      await()
          .atMost(LIMIT)
          .until(
              () ->
                  Runners.eventReasons(client, ns1, "default")
                      .containsAll(java.util.List.of("Verifying", "Promoted")));

      // The batch that started before the switch: its planning pod ran blue, and it stays blue.
      assertThat(image(planJob(client, ns1, "before"))).isEqualTo(V14);
      assertThat(Batches.get(client, ns1, "before").getStatus().runner())
          .isEqualTo(new PinnedRunner("default", "blue", V14));
      // A batch created now uses green.
      Batches.create(client, ns1, Batches.yaml("after", 200, ""));
      await().atMost(LIMIT).until(() -> planJob(client, ns1, "after") != null);
      assertThat(image(planJob(client, ns1, "after"))).isEqualTo(V15);

      // The operator wrote status only: no field of spec belongs to any manager but GitOps.
      ImageRunner latest = Runners.get(client, ns1, "default");
      assertThat(latest.getMetadata().getManagedFields())
          .filteredOn(m -> !Runners.GITOPS.equals(m.getManager()))
          .isNotEmpty()
          .allSatisfy(
              m -> {
                assertThat(fields(m)).doesNotContainKey("f:spec");
                assertThat(m.getSubresource()).isEqualTo("status");
              });
      assertThat(latest.getMetadata().getGeneration()).isEqualTo(2L);
    }
  }

  @Test
  void aFailedVerificationDegradesAndNothingSwitchesThenTheLatestOfTwoQuickChangesWins(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    String ns1 = ns.name();
    // 1.5.0 never finishes, so only what is applied last can be promoted.
    node.behavior(Runners.node(Runners.imageIs(V15)));
    try (var _ = InProcessOperator.start(client, ns1)) {
      Runners.apply(client, ns1, Runners.yaml("default", "Auto", "blue", V14, BROKEN));
      await()
          .atMost(LIMIT)
          .until(() -> Runners.isTrue(Runners.get(client, ns1, "default"), "Degraded"));

      ImageRunner degraded = Runners.get(client, ns1, "default");
      assertThat(degraded.getStatus().activeImage()).isEqualTo(V14);
      assertThat(degraded.getStatus().candidate().verification().phase())
          .isEqualTo(VerificationPhase.Failed);
      assertThat(Runners.condition(degraded, "Degraded").orElseThrow().getMessage())
          .startsWith("green " + BROKEN + " failed verification: ImageBatch default-verify-green-")
          .endsWith("failed: the planning Job failed: libvips: no saver for avif in this build");
      assertThat(Runners.condition(degraded, "Degraded").orElseThrow().getObservedGeneration())
          .isEqualTo(degraded.getMetadata().getGeneration());
      assertThat(Runners.isTrue(degraded, "Ready")).isFalse();
      await()
          .atMost(LIMIT)
          .until(() -> Runners.eventReasons(client, ns1, "default").contains("VerificationFailed"));

      Runners.apply(client, ns1, Runners.yaml("default", "Auto", "blue", V14, V15));
      Runners.apply(client, ns1, Runners.yaml("default", "Auto", "blue", V14, V16));
      await().atMost(LIMIT).until(() -> Runners.activeIs(client, ns1, "default", V16));

      ImageRunner promoted = Runners.get(client, ns1, "default");
      assertThat(promoted.getStatus().history()).extracting(Promotion::image).doesNotContain(V15);
      assertThat(Runners.isTrue(promoted, "Degraded")).isFalse();
      // Earlier verifications are cleaned up; the one that verified the live image stays.
      await()
          .atMost(LIMIT)
          .untilAsserted(
              () ->
                  assertThat(Runners.verifications(client, ns1))
                      .extracting(b -> b.getMetadata().getName())
                      .containsExactly(
                          VerificationBatches.name("default", RunnerColor.GREEN, V16)));
    }
  }

  @Test
  void rollbackIsASpecChangeBackToTheOldImage(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    String ns1 = ns.name();
    node.behavior(Runners.node(Runners.none()));
    try (var _ = InProcessOperator.start(client, ns1)) {
      Runners.apply(client, ns1, Runners.yaml("default", "Auto", "blue", V14, V15));
      await().atMost(LIMIT).until(() -> Runners.activeIs(client, ns1, "default", V15));

      Runners.apply(client, ns1, Runners.yaml("default", "Auto", "blue", V14, V14));
      await().atMost(LIMIT).until(() -> Runners.activeIs(client, ns1, "default", V14));

      ImageRunner rolledBack = Runners.get(client, ns1, "default");
      assertThat(rolledBack.getStatus().history().getLast())
          .extracting(Promotion::image, Promotion::reason)
          .containsExactly(V14, "Rollback");
      assertThat(Runners.verifications(client, ns1))
          .extracting(b -> b.getMetadata().getAnnotations().get(VerificationBatches.IMAGE))
          .doesNotContain(V14);
      await()
          .atMost(LIMIT)
          .until(() -> Runners.eventReasons(client, ns1, "default").contains("RolledBack"));
    }
  }

  @Test
  void manualFollowsSpecActiveAndWarnsOnASwitchToAFailedSlot(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    String ns1 = ns.name();
    node.behavior(Runners.node(Runners.none()));
    try (var _ = InProcessOperator.start(client, ns1)) {
      Runners.apply(client, ns1, Runners.yaml("default", "Manual", "blue", V14, BROKEN));
      await()
          .atMost(LIMIT)
          .until(() -> Runners.isTrue(Runners.get(client, ns1, "default"), "Degraded"));
      assertThat(Runners.get(client, ns1, "default").getStatus().activeImage()).isEqualTo(V14);

      Runners.apply(client, ns1, Runners.yaml("default", "Manual", "green", V14, BROKEN));
      await()
          .atMost(LIMIT)
          .until(
              () -> BROKEN.equals(Runners.get(client, ns1, "default").getStatus().activeImage()));
      await()
          .atMost(LIMIT)
          .until(() -> Runners.eventReasons(client, ns1, "default").contains("UnverifiedRunner"));
      ImageRunner switched = Runners.get(client, ns1, "default");
      assertThat(switched.getStatus().activeColor()).isEqualTo(RunnerColor.GREEN);
      assertThat(switched.getStatus().history().getLast())
          .extracting(Promotion::reason, Promotion::verification)
          .containsExactly("Manual", VerificationPhase.Failed);
      assertThat(
              client.v1().events().inNamespace(ns1).list().getItems().stream()
                  .filter(e -> "UnverifiedRunner".equals(e.getReason()))
                  .map(e -> e.getType()))
          .containsOnly("Warning");
    }
  }

  @Test
  void anOperatorRestartDuringVerificationNeitherRestartsNorLosesIt(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    String ns1 = ns.name();
    node.behavior(Runners.node(Runners.imageIs(V15)));
    String batchName = VerificationBatches.name("default", RunnerColor.GREEN, V15);
    String uid;
    try (var _ = InProcessOperator.start(client, ns1)) {
      Runners.apply(client, ns1, Runners.yaml("default", "Auto", "blue", V14, V15));
      await().atMost(LIMIT).until(() -> !Batches.pods(client, ns1, "plan").isEmpty());
      uid = Batches.get(client, ns1, batchName).getMetadata().getUid();
      assertThat(Runners.isTrue(Runners.get(client, ns1, "default"), "Progressing")).isTrue();
    }
    try (var _ = InProcessOperator.start(client, ns1)) {
      // The planning pod of 1.5.0 finishes only now, under the new operator.
      node.behavior(Runners.node(Runners.none()));
      String planPod = Batches.pods(client, ns1, "plan").getFirst().getMetadata().getName();
      node.terminate(planPod, Batches.plan(2, 1, batchName));
      await().atMost(LIMIT).until(() -> Runners.activeIs(client, ns1, "default", V15));

      assertThat(Batches.get(client, ns1, batchName).getMetadata().getUid()).isEqualTo(uid);
      assertThat(Runners.verifications(client, ns1)).hasSize(1);
      assertThat(Batches.pods(client, ns1, "plan")).hasSize(1);
    }
  }

  private static Job planJob(KubernetesClient client, String ns, String batch) {
    return client.batch().v1().jobs().inNamespace(ns).withName(batch + "-plan-g1").get();
  }

  private static String image(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage();
  }

  @SuppressWarnings("unchecked")
  private static java.util.Map<String, Object> fields(ManagedFieldsEntry entry) {
    return (java.util.Map<String, Object>) entry.getFieldsV1().getAdditionalProperties();
  }
}
