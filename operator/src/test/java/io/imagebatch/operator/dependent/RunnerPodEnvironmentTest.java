package io.imagebatch.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.imagebatch.api.contract.RunnerEnvironment;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.PinnedRunner;
import io.imagebatch.operator.config.RunnerSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What reaches a runner pod's environment, and from where: the operator, never the spec. */
class RunnerPodEnvironmentTest {
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  /** Every string the spec can hold names the same host, and every optional part is set. */
  private static final String HOSTILE =
      """
      apiVersion: imagebatch.io/v1alpha1
      kind: ImageBatch
      metadata: { name: feed, namespace: shop, generation: 1, uid: u-1 }
      spec:
        runner: evil.example.com
        source:
          http: { urlsFrom: { configMapKeyRef: { name: partner-urls, key: urls.txt } } }
          include: ["evil.example.com"]
        variants: [ { name: w640, width: 640, formats: [webp] } ]
        output: { s3: { bucket: evil.example.com, credentialsSecret: evil.example.com } }
        execution:
          queueName: evil.example.com
          priorityClassName: evil.example.com
          serviceAccountName: evil.example.com
          nodeSelector: { IMAGEBATCH_HTTP_ALLOW_HOSTS: evil.example.com }
          resources: { limits: { memory: 1Gi } }
      """;

  @Test
  void urlsFromIsMountedAndNamedInTheEnvironment() {
    PodSpec pod = pod(HOSTILE, Optional.empty());

    Volume urls = volume(pod, "urls");
    assertThat(urls.getConfigMap().getName()).isEqualTo("partner-urls");
    assertThat(urls.getConfigMap().getItems())
        .singleElement()
        .satisfies(
            item -> {
              assertThat(item.getKey()).isEqualTo("urls.txt");
              assertThat(item.getPath()).isEqualTo("urls.txt");
            });
    VolumeMount mount =
        pod.getContainers().getFirst().getVolumeMounts().stream()
            .filter(m -> m.getName().equals("urls"))
            .findFirst()
            .orElseThrow();
    assertThat(mount.getMountPath()).isEqualTo("/etc/imagebatch-urls");
    assertThat(mount.getReadOnly()).isTrue();
    assertThat(env(pod))
        .containsEntry(RunnerEnvironment.HTTP_URLS_FILE, "/etc/imagebatch-urls/urls.txt");
  }

  @Test
  void theAllowListComesFromTheOperatorsSettingsOnly() {
    assertThat(env(pod(HOSTILE, Optional.of("images.internal,10.20.0.0/16"))))
        .containsEntry(RunnerEnvironment.HTTP_ALLOW_HOSTS, "images.internal,10.20.0.0/16");
    assertThat(env(pod(HOSTILE, Optional.empty())))
        .doesNotContainKey(RunnerEnvironment.HTTP_ALLOW_HOSTS);
  }

  /**
   * The environment's names are a fixed set: a spec, however filled, adds none and sets none of the
   * operator's (the CRD has no field for environment variables; CrdValidationIT rejects one).
   */
  @Test
  void nothingInTheSpecNamesOrFillsAnEnvironmentVariable() {
    Map<String, String> env = env(pod(HOSTILE, Optional.empty()));

    assertThat(env.keySet())
        .containsExactlyInAnyOrder(
            RunnerEnvironment.LOG_FORMAT,
            RunnerEnvironment.TERMINATION_MESSAGE_PATH,
            RunnerEnvironment.TMPDIR,
            RunnerEnvironment.HTTP_URLS_FILE,
            RunnerEnvironment.MEMORY_LIMIT,
            "OUTPUT_AWS_ACCESS_KEY_ID",
            "OUTPUT_AWS_SECRET_ACCESS_KEY",
            "OUTPUT_AWS_SESSION_TOKEN");
    assertThat(env.values()).doesNotContain("evil.example.com");
  }

  private static PodSpec pod(String yaml, Optional<String> allowHosts) {
    ImageBatch batch = YAML.unmarshal(yaml, ImageBatch.class);
    RunnerSettings settings =
        RunnerSettings.of("runner:1", Map.of(), Map.of(), Duration.ZERO)
            .withHttpAllowHosts(allowHosts);
    PodSettings pod =
        new PodSettings(
            new PinnedRunner("", "", "runner:1"),
            RunnerPodTemplate.resources(
                batch.getSpec().execution(), Optional.empty(), settings.resources()),
            settings.httpAllowHosts());
    return RunnerPodTemplate.build(new Run(batch, 1, "hash"), Labels.PLAN, "plan", pod).getSpec();
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** Name to literal value; a value from a reference (secretKeyRef, ...) maps to "". */
  private static Map<String, String> env(PodSpec pod) {
    return pod.getContainers().getFirst().getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e.getValue() == null ? "" : e.getValue()));
  }
}
