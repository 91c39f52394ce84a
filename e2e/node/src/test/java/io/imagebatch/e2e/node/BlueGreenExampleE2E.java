package io.imagebatch.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.imagebatch.api.v1alpha1.ImageRunnerStatus;
import io.imagebatch.api.v1alpha1.RunnerColor;
import io.imagebatch.e2e.controlplane.Kubectl;
import io.imagebatch.e2e.controlplane.TestNamespace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/blue-green on the real node, driven as GitOps drives it: every change is the example
 * re-applied with another image in a slot. Images: the runner built from Dockerfile.runner under
 * three tags (the node's containerd is the registry), and a runner whose entrypoint exits 3.
 */
@RealNode
class BlueGreenExampleE2E {
  private static final Duration ROLLOUT = Duration.ofMinutes(6);

  @Test
  void goodImagesAreVerifiedAndPromotedABadOneSwitchesNothingAndRunningBatchesKeepTheirImage(
      KubernetesClient client,
      Kubectl kubectl,
      TestNamespace namespace,
      RealCluster cluster,
      @TempDir Path dir)
      throws Exception {
    String original = cluster.env().runnerImage();
    String green = original + "-green";
    String third = original + "-v3";
    cluster.tagImage(original, green);
    cluster.tagImage(original, third);
    String bad = cluster.env().get("BAD_RUNNER_IMAGE");
    Path images = RealCluster.repoRoot().resolve("examples/local/images");
    HostVolumes.copy(
        images,
        HostVolumes.create(client, cluster, namespace, "runner-smoke", true).resolve("samples"));
    HostVolumes.copy(
        images,
        HostVolumes.create(client, cluster, namespace, "uploads", true).resolve("products"));
    HostVolumes.create(client, cluster, namespace, "derived-images", true);

    // 1. The example with this node's images: green is verified and promoted.
    Example runner = runner(namespace, original, green);
    kubectl.run("apply", "-f", runner.write(dir).toString()).orThrow();
    ImageRunnerStatus promoted =
        awaitRunner(client, namespace, s -> s.activeColor() == RunnerColor.GREEN);
    assertThat(promoted.activeImage()).isEqualTo(green);
    assertThat(condition(promoted, "Ready")).isEqualTo("True");
    assertThat(columns(kubectl, namespace, "ir", "default")).startsWith("default", "green", green);

    // 2. A batch starts on green (suspended, so it is still running at the next switch).
    Example batch =
        Example.load("blue-green/batch.yaml").namespace(namespace.name()).set("spec.suspend", true);
    kubectl.run("apply", "-f", batch.write(dir).toString()).orThrow();
    await("batch pinned to green")
        .atMost(Duration.ofMinutes(2))
        .until(() -> pinnedImage(client, namespace, batch.name()), green::equals);

    // 3. A bad image in the idle slot: Degraded, nothing switches.
    kubectl.run("apply", "-f", runner.set("spec.blue.image", bad).write(dir).toString()).orThrow();
    ImageRunnerStatus degraded =
        awaitRunner(client, namespace, s -> "True".equals(condition(s, "Degraded")));
    assertThat(degraded.activeColor()).isEqualTo(RunnerColor.GREEN);
    assertThat(degraded.activeImage()).isEqualTo(green);
    assertThat(degraded.candidate().image()).isEqualTo(bad);
    assertThat(degraded.candidate().verification().phase())
        .isEqualTo(ImageRunnerStatus.VerificationPhase.Failed);
    assertThat(columns(kubectl, namespace, "ir", "default")).contains("Failed");

    // 4. A good new image in its place: verified, promoted; new batches use it.
    kubectl
        .run("apply", "-f", runner.set("spec.blue.image", third).write(dir).toString())
        .orThrow();
    ImageRunnerStatus switched = awaitRunner(client, namespace, s -> third.equals(s.activeImage()));
    assertThat(switched.activeColor()).isEqualTo(RunnerColor.BLUE);
    assertThat(condition(switched, "Degraded")).isEqualTo("False");

    // 5. The batch started before the switch resumes and finishes on green: its pods say so.
    kubectl.run("apply", "-f", batch.set("spec.suspend", false).write(dir).toString()).orThrow();
    Batches.awaitComplete(kubectl, client, namespace, batch.name());
    assertThat(podImages(client, namespace, batch.name())).containsOnly(green);

    // 6. A batch created now runs on the new image.
    Example after =
        Example.load("blue-green/batch.yaml")
            .namespace(namespace.name())
            .set("metadata.name", "after-switch");
    kubectl.run("apply", "-f", after.write(dir).toString()).orThrow();
    Batches.awaitComplete(kubectl, client, namespace, "after-switch");
    assertThat(podImages(client, namespace, "after-switch")).containsOnly(third);

    // 7. Rollback is a Git change: the image that was live before goes back into blue. It is in
    //    history, so it is active at once, without a verification.
    kubectl
        .run("apply", "-f", runner.set("spec.blue.image", original).write(dir).toString())
        .orThrow();
    ImageRunnerStatus rolledBack =
        awaitRunner(client, namespace, s -> original.equals(s.activeImage()));
    assertThat(rolledBack.history().getLast().reason()).isEqualTo("Rollback");
    assertThat(
            kubectl
                .run(
                    "-n",
                    namespace.name(),
                    "get",
                    "events",
                    "--field-selector",
                    "involvedObject.kind=ImageRunner")
                .orThrow())
        .contains("Promoted", "VerificationFailed", "RolledBack");
  }

  /** examples/blue-green/imagerunner.yaml with this node's images and room for two pods. */
  private static Example runner(TestNamespace namespace, String blue, String green) {
    return Example.load("blue-green/imagerunner.yaml")
        .namespace(namespace.name())
        .set("spec.blue.image", blue)
        .set("spec.green.image", green)
        .set(
            "spec.defaults.resources",
            Map.of(
                "requests",
                Map.of("cpu", "500m", "memory", "1Gi"),
                "limits",
                Map.of("memory", "2Gi")));
  }

  private static ImageRunnerStatus awaitRunner(
      KubernetesClient client, TestNamespace namespace, Predicate<ImageRunnerStatus> done) {
    return await("ImageRunner default")
        .atMost(ROLLOUT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              ImageRunner runner =
                  client
                      .resources(ImageRunner.class)
                      .inNamespace(namespace.name())
                      .withName("default")
                      .get();
              return runner == null ? null : runner.getStatus();
            },
            s -> s != null && done.test(s));
  }

  private static String condition(ImageRunnerStatus status, String type) {
    return status.conditions() == null
        ? null
        : status.conditions().stream()
            .filter(c -> type.equals(c.getType()))
            .map(Condition::getStatus)
            .findFirst()
            .orElse(null);
  }

  private static String pinnedImage(
      KubernetesClient client, TestNamespace namespace, String batch) {
    ImageBatchStatus status = Batches.get(client, namespace, batch).getStatus();
    return status == null || status.runner() == null ? null : status.runner().image();
  }

  private static List<String> podImages(
      KubernetesClient client, TestNamespace namespace, String batch) {
    return client
        .pods()
        .inNamespace(namespace.name())
        .withLabel("imagebatch.io/batch", batch)
        .list()
        .getItems()
        .stream()
        .map(Pod::getSpec)
        .map(s -> s.getContainers().get(0).getImage())
        .toList();
  }

  /** The first columns of `kubectl get KIND NAME` (NAME, ACTIVE, IMAGE for ImageRunners). */
  private static List<String> columns(
      Kubectl kubectl, TestNamespace namespace, String kind, String name) {
    String row = kubectl.run("-n", namespace.name(), "get", kind, name, "--no-headers").orThrow();
    return List.of(row.strip().split("\\s+"));
  }
}
