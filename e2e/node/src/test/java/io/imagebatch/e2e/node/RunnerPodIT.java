package io.imagebatch.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.imagebatch.e2e.controlplane.TestNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runner image built from Dockerfile.runner, as real pods on a real kubelet: its user, its
 * read-only root, admission under the restricted profile, a batch from a volume, the termination
 * message the kubelet reads, and an Indexed Job placed by the real scheduler.
 */
@RealNode
class RunnerPodIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path EXAMPLE_IMAGES =
      RealCluster.repoRoot().resolve("examples/local/images");

  /** Six images of examples/local, two per shard. */
  private static final String BATCH =
      """
      apiVersion: imagebatch.io/v1alpha1
      kind: ImageBatch
      metadata: { name: proof, namespace: %s, generation: 1, uid: 00000000-0000-0000-0000-000000000001 }
      spec:
        source: { volume: { claimName: photos, path: in/ }, include: ["**/*.jpg", "**/*.png"] }
        variants:
          - { name: thumb, width: 160, formats: [webp, jpeg] }
        output: { volume: { claimName: photos, path: out/ } }
        execution: { imagesPerShard: 2 }
      """;

  private KubernetesClient client;
  private TestNamespace namespace;
  private String image;
  private Path volume;

  @BeforeEach
  void volumeAndSpec(KubernetesClient client, TestNamespace namespace, RealCluster cluster) {
    this.client = client;
    this.namespace = namespace;
    this.image = cluster.env().runnerImage();
    volume = HostVolumes.create(client, cluster, namespace, "photos");
    HostVolumes.copy(EXAMPLE_IMAGES, volume.resolve("in"));
    HostVolumes.ownByRunner(volume);
    client
        .configMaps()
        .inNamespace(namespace.name())
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("spec")
                .endMetadata()
                .withData(Map.of("batch.yaml", BATCH.formatted(namespace.name())))
                .build())
        .create();
  }

  /**
   * The UID is the image's (USER 65532:65532; the pod sets none). The kubelet takes only the user
   * from the image and leaves the group 0, which is why the operator's runner pods set runAsGroup
   * (and fsGroup) 65532 themselves.
   */
  @Test
  void theImageRunsAsItsNonRootUserOnAReadOnlyRootWithNoServiceAccountToken() {
    String probe =
        "id -u;"
            + " touch /probe 2>&1 | sed 's/.*: //';"
            + " ls /var/run/secrets/kubernetes.io 2>&1 | sed 's/.*: //';"
            + " touch /tmp/ok && echo tmp writable";
    runToCompletion("probe", runner("512Mi").withCommand("/bin/sh", "-c", probe).build());

    String log = client.pods().inNamespace(namespace.name()).withName("probe").getLog();
    assertThat(log.lines())
        .containsExactly(
            "65532", "Read-only file system", "No such file or directory", "tmp writable");
  }

  @Test
  void theNamespaceRefusesAPodThatBreaksTheRestrictedProfile() {
    Container privileged =
        runner("512Mi")
            .editSecurityContext()
            .withAllowPrivilegeEscalation(true)
            .endSecurityContext()
            .build();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("escalating")
            .endMetadata()
            .withSpec(podSpec(privileged))
            .build();

    assertThatThrownBy(() -> client.pods().inNamespace(namespace.name()).resource(pod).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("violates PodSecurity \"restricted:latest\"")
        .hasMessageContaining("allowPrivilegeEscalation != false");
  }

  @Test
  void thePlanPodsTerminationMessageReachesItsStatusThroughTheKubelet() throws IOException {
    ContainerStateTerminated plan = runToCompletion("plan", planContainer());

    assertThat(plan.getExitCode()).isZero();
    JsonNode message = JSON.readTree(plan.getMessage());
    assertThat(message.path("kind").asText()).isEqualTo("plan");
    assertThat(message.path("total").asLong()).isEqualTo(6);
    assertThat(message.path("shards").asInt()).isEqualTo(3);
    assertThat(message.path("manifest").asText()).isEqualTo("/data/output/out/_imagebatch/proof/1");
  }

  @Test
  void anIndexedJobOfThreeRunnerPodsCompletesOnTheRealSchedulerAndKubelet() throws IOException {
    runToCompletion("plan", planContainer());
    Container process = runnerCommand("1Gi", "process", "--spec", "/etc/imagebatch/batch.yaml");
    Job job =
        new JobBuilder()
            .withNewMetadata()
            .withName("shards")
            .endMetadata()
            .withNewSpec()
            .withCompletionMode("Indexed")
            .withCompletions(3)
            .withParallelism(3)
            .withBackoffLimitPerIndex(0)
            .withMaxFailedIndexes(0)
            .withNewTemplate()
            .withSpec(podSpec(process))
            .endTemplate()
            .endSpec()
            .build();
    client.batch().v1().jobs().inNamespace(namespace.name()).resource(job).create();

    await("Job shards Complete")
        .atMost(Duration.ofMinutes(5))
        .until(() -> jobCondition("shards"), c -> c.equals("Complete") || c.equals("Failed"));
    assertThat(jobCondition("shards")).isEqualTo("Complete");

    List<Pod> pods =
        client
            .pods()
            .inNamespace(namespace.name())
            .withLabel("job-name", "shards")
            .list()
            .getItems();
    assertThat(pods).hasSize(3);
    long images = 0;
    for (Pod pod : pods) {
      assertThat(pod.getSpec().getNodeName()).isEqualTo("imagebatch-node");
      JsonNode summary =
          JSON.readTree(
              pod.getStatus()
                  .getContainerStatuses()
                  .get(0)
                  .getState()
                  .getTerminated()
                  .getMessage());
      assertThat(summary.path("kind").asText()).isEqualTo("shard");
      assertThat(summary.path("images").path("failed").asLong()).isZero();
      images += summary.path("images").path("succeeded").asLong();
    }
    assertThat(images).isEqualTo(6);
    try (Stream<Path> written = Files.walk(volume.resolve("out"))) {
      assertThat(
              written
                  .map(p -> volume.resolve("out").relativize(p).toString())
                  .filter(p -> p.endsWith(".webp") || p.endsWith(".jpeg")))
          .hasSize(12)
          .contains("Kite-thumb.webp", "landscapes/Path-thumb.jpeg");
    }
  }

  private Container planContainer() {
    return runnerCommand("512Mi", "plan", "--spec", "/etc/imagebatch/batch.yaml");
  }

  /** The runner with {@code args}, the pod contract's env and mounts: spec, source, output. */
  private Container runnerCommand(String memory, String... args) {
    return runner(memory)
        .withArgs(args)
        .withEnv(runnerEnv())
        .addNewVolumeMount()
        .withName("spec")
        .withMountPath("/etc/imagebatch")
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("photos")
        .withMountPath("/data/source")
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("photos")
        .withMountPath("/data/output")
        .endVolumeMount()
        .build();
  }

  private static List<EnvVar> runnerEnv() {
    return List.of(
        new EnvVar("IMAGEBATCH_LOG_FORMAT", "json", null),
        new EnvVar("IMAGEBATCH_TERMINATION_MESSAGE_PATH", "/dev/termination-log", null),
        new EnvVar("IMAGEBATCH_SOURCE_ROOT", "/data/source", null),
        new EnvVar("IMAGEBATCH_OUTPUT_ROOT", "/data/output", null),
        new EnvVar("TMPDIR", "/tmp", null));
  }

  private io.fabric8.kubernetes.api.model.ContainerBuilder runner(String memory) {
    return RestrictedPods.container(image, memory);
  }

  private PodSpec podSpec(Container container) {
    return RestrictedPods.spec(container)
        .addNewVolume()
        .withName("spec")
        .withNewConfigMap()
        .withName("spec")
        .endConfigMap()
        .endVolume()
        .addNewVolume()
        .withName("photos")
        .withNewPersistentVolumeClaim()
        .withClaimName("photos")
        .endPersistentVolumeClaim()
        .endVolume()
        .build();
  }

  private ContainerStateTerminated runToCompletion(String name, Container container) {
    client
        .pods()
        .inNamespace(namespace.name())
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withSpec(podSpec(container))
                .build())
        .create();
    ContainerStateTerminated terminated =
        await("pod " + name + " terminated")
            .atMost(Duration.ofMinutes(3))
            .until(() -> Pods.terminated(client, namespace, name), t -> t != null);
    assertThat(terminated.getExitCode()).as("pod %s: %s", name, terminated.getMessage()).isZero();
    return terminated;
  }

  private String jobCondition(String name) {
    Job job = client.batch().v1().jobs().inNamespace(namespace.name()).withName(name).get();
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return "";
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> "True".equals(c.getStatus()))
        .map(c -> c.getType())
        .filter(t -> t.equals("Complete") || t.equals("Failed"))
        .findFirst()
        .orElse("");
  }
}
