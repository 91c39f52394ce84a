package io.imagebatch.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.TestNamespace;
import io.imagebatch.e2e.controlplane.node.NodeSimulator;
import io.imagebatch.e2e.controlplane.node.Outcome;
import io.imagebatch.e2e.controlplane.node.PodBehavior;
import io.imagebatch.operator.dependent.Labels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What Argo CD, kstatus and Flux say about live ImageBatches and ImageRunners, judged by their own
 * code. Each capture drives a real object into one phase on the control plane (the operator
 * in-process, the node simulator scripting the runner) and writes it as the API server returns it
 * to target/gitops-live/&lt;case&gt;.yaml; the last test runs gitops/verify on those and on every
 * health_test.yaml case, against gitops/verify/live-expectations.yaml.
 */
@ExtendWith(ControlPlaneExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GitOpsHealthIT {
  static final Path LIVE = Path.of("target", "gitops-live");
  private static final Duration LIMIT = Duration.ofMinutes(1);

  @Test
  @Order(1)
  void noStatusYet(KubernetesClient client, TestNamespace ns) throws IOException {
    InProcessOperator.installCrds(client);
    Batches.create(client, ns.name(), Batches.yaml("fresh", 200, ""));
    capture(client, ns, "ImageBatch", "fresh", "imagebatch-no-status");
  }

  @Test
  @Order(2)
  void pendingOnAMissingClaim(KubernetesClient client, TestNamespace ns) throws IOException {
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.onClaim("volumes"));
      awaitBatch(
          client, ns, "volumes", b -> phase(b) == Phase.Pending && Batches.isTrue(b, "Stalled"));
      capture(client, ns, "ImageBatch", "volumes", "imagebatch-pending-stalled");
    }
  }

  @Test
  @Order(3)
  void planning(KubernetesClient client, TestNamespace ns, NodeSimulator node) throws IOException {
    node.behavior(PodBehavior.keepRunning());
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("planning", 200, ""));
      awaitBatch(client, ns, "planning", b -> phase(b) == Phase.Planning);
      capture(client, ns, "ImageBatch", "planning", "imagebatch-planning");
    }
  }

  @Test
  @Order(4)
  void waitingForAdmission(KubernetesClient client, TestNamespace ns) throws IOException {
    // Queued, and no Kueue here to admit it: its Jobs stay suspended.
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("queued", 200, "queueName: image-jobs"));
      awaitBatch(
          client,
          ns,
          "queued",
          b ->
              Batches.isTrue(b, "Reconciling")
                  && (phase(b) == Phase.Pending || phase(b) == Phase.Planning));
      capture(client, ns, "ImageBatch", "queued", "imagebatch-waiting-for-admission");
    }
  }

  @Test
  @Order(5)
  void running(KubernetesClient client, TestNamespace ns, NodeSimulator node) throws IOException {
    node.behavior(planThen(pod -> Optional.empty()));
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("running", 200, ""));
      awaitBatch(client, ns, "running", b -> phase(b) == Phase.Running);
      capture(client, ns, "ImageBatch", "running", "imagebatch-running");

      client
          .resources(ImageBatch.class)
          .inNamespace(ns.name())
          .withName("running")
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":true}}");
      awaitBatch(client, ns, "running", b -> phase(b) == Phase.Suspended && current(b));
      capture(client, ns, "ImageBatch", "running", "imagebatch-suspended");
    }
  }

  @Test
  @Order(6)
  void stalledOnAMissingSecret(KubernetesClient client, TestNamespace ns, NodeSimulator node)
      throws IOException {
    node.holdWaiting("CreateContainerConfigError", "secret \"s3-credentials\" not found");
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("creds", 200, ""));
      awaitBatch(client, ns, "creds", b -> Batches.isTrue(b, "Stalled"));
      capture(client, ns, "ImageBatch", "creds", "imagebatch-stalled");
    }
  }

  @Test
  @Order(7)
  void succeeded(KubernetesClient client, TestNamespace ns, NodeSimulator node) throws IOException {
    node.behavior(planThen(pod -> Optional.of(Batches.shard(Batches.index(pod), 200, 1))));
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("done", 200, "maxFailedImages: 5"));
      awaitBatch(client, ns, "done", b -> phase(b) == Phase.Succeeded);
      capture(client, ns, "ImageBatch", "done", "imagebatch-succeeded");
    }
  }

  @Test
  @Order(8)
  void failed(KubernetesClient client, TestNamespace ns, NodeSimulator node) throws IOException {
    node.behavior(
        planThen(pod -> Optional.of(Outcome.failed(3, "spec.variants[0].width: too wide"))));
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("broken", 200, ""));
      awaitBatch(client, ns, "broken", b -> phase(b) == Phase.Failed);
      capture(client, ns, "ImageBatch", "broken", "imagebatch-failed");
    }
  }

  @Test
  @Order(9)
  void imageRunnerProgressingThenReady(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) throws IOException {
    node.behavior(Runners.node(Runners.imageIs(Runners.V15)));
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Runners.apply(client, ns.name(), Runners.yaml("default", "Auto", "blue", Runners.V14, null));
      await()
          .atMost(LIMIT)
          .until(() -> Runners.isTrue(Runners.get(client, ns.name(), "default"), "Ready"));
      capture(client, ns, "ImageRunner", "default", "imagerunner-ready");

      Runners.apply(
          client, ns.name(), Runners.yaml("default", "Auto", "blue", Runners.V14, Runners.V15));
      await()
          .atMost(LIMIT)
          .until(
              () -> {
                var runner = Runners.get(client, ns.name(), "default");
                return Runners.isTrue(runner, "Progressing")
                    && runner.getStatus().observedGeneration()
                        == runner.getMetadata().getGeneration();
              });
      capture(client, ns, "ImageRunner", "default", "imagerunner-progressing");
    }
  }

  @Test
  @Order(10)
  void imageRunnerDegraded(KubernetesClient client, TestNamespace ns, NodeSimulator node)
      throws IOException {
    node.behavior(Runners.node(Runners.none()));
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Runners.apply(
          client, ns.name(), Runners.yaml("default", "Auto", "blue", Runners.V14, Runners.BROKEN));
      await()
          .atMost(LIMIT)
          .until(() -> Runners.isTrue(Runners.get(client, ns.name(), "default"), "Degraded"));
      capture(client, ns, "ImageRunner", "default", "imagerunner-degraded");
    }
  }

  /** Every capture above and every health_test.yaml case, through the tools' own code. */
  @Test
  @Order(100)
  void argoCdKstatusAndFluxSayWhatTheDocsPromise() throws Exception {
    GitOpsVerify.Result result =
        GitOpsVerify.build()
            .run(
                "-live",
                LIVE.toAbsolutePath().toString(),
                "-expectations",
                GitOpsVerify.GITOPS.resolve("verify").resolve("live-expectations.yaml").toString());

    assertThat(result.exitCode()).as(result.output()).isZero();
    // 15 health_test.yaml cases (Argo CD and Flux each), 12 captures (Argo CD, kstatus, Flux).
    assertThat(result.output()).as(result.output()).contains("66 passed, 0 failed");
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** The plan succeeds (1 shard); each shard pod then ends as {@code shard} says. */
  private static PodBehavior planThen(
      java.util.function.Function<io.imagebatch.e2e.controlplane.node.RunningPod, Optional<Outcome>>
          shard) {
    return pod ->
        Labels.PLAN.equals(Batches.component(pod))
            ? Optional.of(Batches.plan(200, 1, pod.labels().get(Labels.BATCH)))
            : shard.apply(pod);
  }

  private static void awaitBatch(
      KubernetesClient client, TestNamespace ns, String name, Predicate<ImageBatch> until) {
    await().atMost(LIMIT).until(() -> Batches.get(client, ns.name(), name), until);
  }

  private static Phase phase(ImageBatch batch) {
    return batch == null || batch.getStatus() == null ? null : batch.getStatus().phase();
  }

  private static boolean current(ImageBatch batch) {
    return batch.getMetadata().getGeneration().equals(batch.getStatus().observedGeneration());
  }

  /** Writes the object exactly as the API server returns it (status, managedFields and all). */
  private static void capture(
      KubernetesClient client, TestNamespace ns, String kind, String name, String file)
      throws IOException {
    GenericKubernetesResource object =
        client
            .genericKubernetesResources("imagebatch.io/v1alpha1", kind)
            .inNamespace(ns.name())
            .withName(name)
            .get();
    Files.createDirectories(LIVE);
    Files.writeString(
        LIVE.resolve(file + ".yaml"), client.getKubernetesSerialization().asYaml(object));
  }
}
