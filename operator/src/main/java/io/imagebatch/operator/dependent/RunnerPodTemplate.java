package io.imagebatch.operator.dependent;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.imagebatch.api.contract.RunnerEnvironment;
import io.imagebatch.api.v1alpha1.ExecutionSpec;
import io.imagebatch.api.v1alpha1.HttpSource;
import io.imagebatch.api.v1alpha1.HttpSource.ConfigMapKeyRef;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.LimitsSpec;
import io.imagebatch.api.v1alpha1.S3Location;
import io.imagebatch.api.v1alpha1.SourceSpec;
import io.imagebatch.api.v1alpha1.VolumeLocation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pod template both Jobs share, per the runner pod contract: the spec ConfigMap at
 * /etc/imagebatch, volumes at /data/source and /data/output, storage credentials only as
 * secretKeyRef, and a pod that passes the "restricted" Pod Security Standard.
 */
public final class RunnerPodTemplate {
  public static final String CONTAINER = "runner";
  public static final String TERMINATION_LOG = "/dev/termination-log";
  public static final long RUNNER_UID = 65532;
  public static final String SOURCE_ROOT = "/data/source";
  public static final String OUTPUT_ROOT = "/data/output";

  /** Where the source.http.urlsFrom ConfigMap key is mounted, as {@link #URLS_FILE}. */
  public static final String URLS_DIR = "/etc/imagebatch-urls";

  public static final String URLS_FILE = URLS_DIR + "/urls.txt";
  private static final BigDecimal GIBIBYTE = BigDecimal.valueOf(1L << 30);
  private static final Quantity DEFAULT_MAX_INPUT_BYTES = new Quantity("256Mi");

  private RunnerPodTemplate() {}

  public static PodTemplateSpec build(
      Run run, String component, String command, PodSettings settings) {
    ResourceRequirements resources = settings.resources();
    ImageBatch batch = run.batch();
    ExecutionSpec execution = execution(batch);
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    List<EnvVar> env = new ArrayList<>();
    env.add(env(RunnerEnvironment.LOG_FORMAT, "json"));
    env.add(env(RunnerEnvironment.TERMINATION_MESSAGE_PATH, TERMINATION_LOG));
    env.add(env(RunnerEnvironment.TMPDIR, "/tmp"));

    volumes.add(
        new VolumeBuilder()
            .withName("spec")
            .withNewConfigMap()
            .withName(SpecConfigMap.name(batch))
            .endConfigMap()
            .build());
    mounts.add(mount("spec", SpecConfigMap.MOUNT_DIR, true));
    volumes.add(
        new VolumeBuilder()
            .withName("tmp")
            .withNewEmptyDir()
            .withSizeLimit(tmpSize(batch.getSpec().limits()))
            .endEmptyDir()
            .build());
    mounts.add(mount("tmp", "/tmp", false));

    Optional<VolumeLocation> sourceVolume =
        Optional.ofNullable(batch.getSpec().source()).map(s -> s.volume());
    Optional<VolumeLocation> outputVolume =
        Optional.ofNullable(batch.getSpec().output()).map(o -> o.volume());
    sourceVolume.ifPresent(
        v -> {
          volumes.add(claim("source", v.claimName(), true));
          mounts.add(mount("source", SOURCE_ROOT, true));
          env.add(env(RunnerEnvironment.SOURCE_ROOT, SOURCE_ROOT));
        });
    outputVolume.ifPresent(
        v -> {
          volumes.add(claim("output", v.claimName(), false));
          mounts.add(mount("output", OUTPUT_ROOT, false));
          env.add(env(RunnerEnvironment.OUTPUT_ROOT, OUTPUT_ROOT));
        });
    Optional.ofNullable(batch.getSpec().source())
        .map(s -> s.s3())
        .map(S3Location::credentialsSecret)
        .ifPresent(secret -> env.addAll(credentials("SOURCE_", secret)));
    Optional.ofNullable(batch.getSpec().output())
        .map(o -> o.s3())
        .map(S3Location::credentialsSecret)
        .ifPresent(secret -> env.addAll(credentials("OUTPUT_", secret)));
    urlsFrom(batch)
        .ifPresent(
            ref -> {
              volumes.add(
                  new VolumeBuilder()
                      .withName("urls")
                      .withNewConfigMap()
                      .withName(ref.name())
                      .addNewItem()
                      .withKey(ref.key())
                      .withPath(URLS_FILE.substring(URLS_DIR.length() + 1))
                      .endItem()
                      .endConfigMap()
                      .build());
              mounts.add(mount("urls", URLS_DIR, true));
              env.add(env(RunnerEnvironment.HTTP_URLS_FILE, URLS_FILE));
            });
    settings
        .httpAllowHosts()
        .ifPresent(hosts -> env.add(env(RunnerEnvironment.HTTP_ALLOW_HOSTS, hosts)));
    if (resources.getLimits() != null && resources.getLimits().containsKey("memory")) {
      env.add(
          new EnvVarBuilder()
              .withName(RunnerEnvironment.MEMORY_LIMIT)
              .withNewValueFrom()
              .withNewResourceFieldRef()
              .withContainerName(CONTAINER)
              .withResource("limits.memory")
              .endResourceFieldRef()
              .endValueFrom()
              .build());
    }

    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(Labels.of(run, component))
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withServiceAccountName(execution.serviceAccountName())
        .withNodeSelector(execution.nodeSelector())
        .withTolerations(execution.tolerations())
        .withAffinity(execution.affinity())
        .withPriorityClassName(execution.priorityClassName())
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(RUNNER_UID)
        .withRunAsGroup(RUNNER_UID)
        .withFsGroup(RUNNER_UID)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withVolumes(volumes)
        .withContainers(
            new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(settings.runner().image())
                .withArgs(command, "--spec", SpecConfigMap.PATH)
                .withEnv(env)
                .withVolumeMounts(mounts)
                .withResources(resources)
                .withTerminationMessagePath(TERMINATION_LOG)
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(RUNNER_UID)
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .endSecurityContext()
                .build())
        .endSpec()
        .build();
  }

  /**
   * The batch's resources; each of requests and limits it leaves out comes from the ImageRunner's
   * defaults, then the operator's.
   */
  public static ResourceRequirements resources(
      ExecutionSpec execution,
      Optional<ResourceRequirements> runnerDefaults,
      ResourceRequirements operatorDefaults) {
    ResourceRequirements batch =
        execution.resources() == null ? new ResourceRequirements() : execution.resources();
    ResourceRequirements runner = runnerDefaults.orElseGet(ResourceRequirements::new);
    return new ResourceRequirementsBuilder()
        .withRequests(
            first(batch.getRequests(), runner.getRequests(), operatorDefaults.getRequests()))
        .withLimits(first(batch.getLimits(), runner.getLimits(), operatorDefaults.getLimits()))
        .build();
  }

  @SafeVarargs
  private static Map<String, Quantity> first(Map<String, Quantity>... candidates) {
    for (Map<String, Quantity> candidate : candidates) {
      if (candidate != null && !candidate.isEmpty()) {
        return candidate;
      }
    }
    return null;
  }

  /** Room for a downloaded source and its decoded copy: 2 x maxInputBytes + 1Gi. */
  static Quantity tmpSize(LimitsSpec limits) {
    Quantity maxInput =
        limits == null || limits.maxInputBytes() == null
            ? DEFAULT_MAX_INPUT_BYTES
            : limits.maxInputBytes();
    BigDecimal bytes = Quantity.getAmountInBytes(maxInput).multiply(BigDecimal.TWO).add(GIBIBYTE);
    return new Quantity(bytes.toBigInteger().toString());
  }

  /** The ConfigMap key that lists the batch's URLs, when source.http.urlsFrom names one. */
  public static Optional<ConfigMapKeyRef> urlsFrom(ImageBatch batch) {
    return Optional.ofNullable(batch.getSpec().source())
        .map(SourceSpec::http)
        .map(HttpSource::urlsFrom)
        .map(HttpSource.UrlsFrom::configMapKeyRef);
  }

  static ExecutionSpec execution(ImageBatch batch) {
    ExecutionSpec execution = batch.getSpec().execution();
    return execution != null
        ? execution
        : new ExecutionSpec(
            null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  private static List<EnvVar> credentials(String prefix, String secret) {
    return List.of(
        secretEnv(prefix + "AWS_ACCESS_KEY_ID", secret, "AWS_ACCESS_KEY_ID", false),
        secretEnv(prefix + "AWS_SECRET_ACCESS_KEY", secret, "AWS_SECRET_ACCESS_KEY", false),
        secretEnv(prefix + "AWS_SESSION_TOKEN", secret, "AWS_SESSION_TOKEN", true));
  }

  private static EnvVar secretEnv(String name, String secret, String key, boolean optional) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .withOptional(optional ? Boolean.TRUE : null)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static Volume claim(String name, String claimName, boolean readOnly) {
    return new VolumeBuilder()
        .withName(name)
        .withNewPersistentVolumeClaim()
        .withClaimName(claimName)
        .withReadOnly(readOnly ? Boolean.TRUE : null)
        .endPersistentVolumeClaim()
        .build();
  }

  private static VolumeMount mount(String name, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(name)
        .withMountPath(path)
        .withReadOnly(readOnly ? Boolean.TRUE : null)
        .build();
  }
}
