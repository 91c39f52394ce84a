package io.imagebatch.operator;

import static io.imagebatch.operator.Batches.component;
import static io.imagebatch.operator.Batches.index;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.e2e.controlplane.ControlPlane;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.RequiresControllerManager;
import io.imagebatch.e2e.controlplane.TestNamespace;
import io.imagebatch.e2e.controlplane.node.NodeSimulator;
import io.imagebatch.e2e.controlplane.node.Outcome;
import io.imagebatch.e2e.controlplane.node.PodBehavior;
import io.imagebatch.operator.dependent.Labels;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator against the real API server, job controller and garbage collector; the node
 * simulator plays the runner pods, scripted by completion index.
 */
@ExtendWith(ControlPlaneExtension.class)
@RequiresControllerManager
class ImageBatchLifecycleIT {
  private static final Duration LIMIT = Duration.ofMinutes(2);

  /** The plan says {@code total} images in {@code shards}; every shard processes its share. */
  private static PodBehavior runner(String batch, long total, int shards, long failedPerShard) {
    return PodBehavior.scripted(
        pod ->
            Labels.PLAN.equals(component(pod))
                ? Batches.plan(total, shards, batch)
                : Batches.shard(index(pod), total / shards, failedPerShard));
  }

  @Test
  void runsPlanThenShardsAndReportsCountsFromTerminationMessages(
      KubernetesClient client, TestNamespace ns, NodeSimulator node, ControlPlane plane)
      throws Exception {
    node.behavior(runner("catalog", 400, 2, 0));
    try (var operator = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("catalog", 200, ""));

      assertThat(
              plane
                  .kubectl(
                      "wait",
                      "-n",
                      ns.name(),
                      "--for=condition=Complete",
                      "ib/catalog",
                      "--timeout=120s")
                  .orThrow())
          .contains("condition met");

      ImageBatch done = Batches.get(client, ns.name(), "catalog");
      ImageBatchStatus status = done.getStatus();
      assertThat(status.phase()).isEqualTo(Phase.Succeeded);
      assertThat(status.observedGeneration()).isEqualTo(done.getMetadata().getGeneration());
      assertThat(status.images()).isEqualTo(new ImageBatchStatus.ImageCounts(400L, 400L, 0L, 0L));
      assertThat(status.shards()).isEqualTo(new ImageBatchStatus.ShardCounts(2, 2, 0, 0));
      assertThat(status.variants().written()).isEqualTo(800);
      assertThat(status.progress()).isEqualTo("400/400");
      assertThat(status.manifest()).isEqualTo("s3://derived/_imagebatch/catalog/1/");
      assertThat(status.runner().image()).isEqualTo(InProcessOperator.IMAGE);
      assertThat(status.startTime()).isNotNull();
      assertThat(status.completionTime()).isNotNull();
      assertThat(status.conditions())
          .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(1L))
          .extracting(c -> c.getType() + "=" + c.getStatus())
          .containsExactlyInAnyOrder(
              "Ready=True", "Reconciling=False", "Stalled=False", "Complete=True", "Failed=False");

      // The Jobs and the ConfigMap follow the runner pod contract.
      Job process = client.batch().v1().jobs().inNamespace(ns.name()).withName("catalog-g1").get();
      assertThat(process.getSpec().getCompletionMode()).isEqualTo("Indexed");
      assertThat(process.getSpec().getCompletions()).isEqualTo(2);
      assertThat(process.getSpec().getParallelism()).isEqualTo(2);
      assertThat(process.getSpec().getBackoffLimitPerIndex()).isEqualTo(2);
      // Exit 3 fails the Job at once, exit 4 counts against the retries, a disruption is ignored
      // (OOMKilled has no rule: it counts like any failure); deadline and TTL are the defaults.
      assertThat(process.getSpec().getPodFailurePolicy().getRules())
          .extracting(
              r ->
                  r.getAction()
                      + ":"
                      + (r.getOnExitCodes() == null
                          ? ""
                          : r.getOnExitCodes().getContainerName()
                              + " "
                              + r.getOnExitCodes().getOperator()
                              + " "
                              + r.getOnExitCodes().getValues())
                      + (r.getOnPodConditions() == null
                          ? ""
                          : r.getOnPodConditions().stream()
                              .map(c -> c.getType() + "=" + c.getStatus())
                              .collect(Collectors.joining(","))))
          .containsExactly(
              "FailJob:runner In [3]", "Count:runner In [4]", "Ignore:DisruptionTarget=True");
      assertThat(process.getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
      assertThat(process.getSpec().getTtlSecondsAfterFinished()).isEqualTo(86400);
      assertThat(process.getMetadata().getLabels()).doesNotContainKey("kueue.x-k8s.io/queue-name");
      assertThat(process.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(o -> assertThat(o.getController()).isTrue());
      assertThat(process.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/name", "imagebatch-runner")
          .containsEntry("app.kubernetes.io/instance", "catalog")
          .containsEntry("app.kubernetes.io/managed-by", "imagebatch-operator")
          .containsEntry("app.kubernetes.io/component", "process")
          .containsEntry("imagebatch.io/batch", "catalog")
          .containsEntry("imagebatch.io/generation", "1");
      PodSpec pod = process.getSpec().getTemplate().getSpec();
      Container runner = pod.getContainers().get(0);
      assertThat(runner.getArgs())
          .containsExactly("process", "--spec", "/etc/imagebatch/batch.yaml");
      assertThat(runner.getImage()).isEqualTo(InProcessOperator.IMAGE);
      assertThat(runner.getResources().getLimits()).containsKey("memory");
      Map<String, EnvVar> env =
          runner.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
      assertThat(env.get("SOURCE_AWS_ACCESS_KEY_ID").getValueFrom().getSecretKeyRef().getName())
          .isEqualTo("s3-credentials");
      assertThat(env.get("OUTPUT_AWS_SESSION_TOKEN").getValueFrom().getSecretKeyRef().getOptional())
          .isTrue();
      assertThat(
              env.get("IMAGEBATCH_MEMORY_LIMIT").getValueFrom().getResourceFieldRef().getResource())
          .isEqualTo("limits.memory");
      assertThat(pod.getAutomountServiceAccountToken()).isFalse();
      assertThat(runner.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(
              client.batch().v1().jobs().inNamespace(ns.name()).withName("catalog-plan-g1").get())
          .isNotNull();
      ConfigMap spec = client.configMaps().inNamespace(ns.name()).withName("catalog-spec").get();
      assertThat(spec.getData().get("batch.yaml"))
          .contains("kind: \"ImageBatch\"")
          .contains("generation: 1")
          .contains("imagesPerShard: 200")
          .contains("maxInputBytes: \"256Mi\""); // a schema default, applied by the API server
      // The runner binds it strictly (unknown fields fail), as its BatchFile does.
      var strict =
          com.fasterxml.jackson.dataformat.yaml.YAMLMapper.builder()
              .enable(
                  com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .build();
      var document = strict.readTree(spec.getData().get("batch.yaml"));
      assertThat(document.path("metadata").path("uid").asText())
          .isEqualTo(done.getMetadata().getUid());
      assertThat(
              strict.treeToValue(
                  document.get("spec"), io.imagebatch.api.v1alpha1.ImageBatchSpec.class))
          .isEqualTo(done.getSpec());

      List<String> reasons =
          client.v1().events().inNamespace(ns.name()).list().getItems().stream()
              .map(e -> e.getReason())
              .toList();
      assertThat(reasons).contains("Planning", "Running", "Succeeded");

      // A steady batch causes no status write: a reconciliation (triggered by a Job event)
      // leaves the resourceVersion alone.
      String resourceVersion = done.getMetadata().getResourceVersion();
      double reconciliations = reconciliations(operator);
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(ns.name())
          .withName("catalog-plan-g1")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"annotations\":{\"test.imagebatch.io/touch\":\"1\"}}}");
      await().atMost(LIMIT).until(() -> reconciliations(operator) > reconciliations);
      assertThat(Batches.get(client, ns.name(), "catalog").getMetadata().getResourceVersion())
          .isEqualTo(resourceVersion);

      // kubectl get shows the printer columns.
      String table = plane.kubectl("get", "ib", "-n", ns.name()).orThrow();
      assertThat(table.lines().findFirst().orElseThrow())
          .contains("NAME", "PHASE", "PROGRESS", "FAILED", "RUNNER", "AGE");
      assertThat(table).contains("Succeeded").contains("400/400").contains(InProcessOperator.IMAGE);
    }
  }

  @Test
  void failedImagesWithinMaxFailedImagesStillSucceed(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(runner("tolerant", 400, 2, 2));
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("tolerant", 200, "maxFailedImages: \"1%\""));

      await()
          .atMost(LIMIT)
          .until(() -> Batches.isTrue(Batches.get(client, ns.name(), "tolerant"), "Complete"));
      ImageBatchStatus status = Batches.get(client, ns.name(), "tolerant").getStatus();
      assertThat(status.images().failed()).isEqualTo(4);
      assertThat(status.images().succeeded()).isEqualTo(396);
      assertThat(status.failures())
          .hasSize(4)
          .first()
          .satisfies(f -> assertThat(f.reason()).isEqualTo("CorruptInput"));
    }
  }

  @Test
  void failedImagesBeyondMaxFailedImagesFailTheBatch(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(runner("strict", 400, 2, 3));
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("strict", 200, "maxFailedImages: 5"));

      await()
          .atMost(LIMIT)
          .until(() -> Batches.isTrue(Batches.get(client, ns.name(), "strict"), "Failed"));
      ImageBatch failed = Batches.get(client, ns.name(), "strict");
      assertThat(failed.getStatus().phase()).isEqualTo(Phase.Failed);
      assertThat(Batches.isTrue(failed, "Stalled")).isTrue();
      assertThat(Batches.isTrue(failed, "Ready")).isFalse();
      assertThat(Batches.condition(failed, "Failed").orElseThrow().getReason())
          .isEqualTo("TooManyFailedImages");
      assertThat(Batches.condition(failed, "Failed").orElseThrow().getMessage())
          .contains("maxFailedImages");
      assertFailedEvent(client, ns.name(), failed);
    }
  }

  @Test
  void exitCode3FailsTheBatchAtOnceWithoutRetries(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(
        PodBehavior.scripted(
            pod ->
                Labels.PLAN.equals(component(pod))
                    ? Batches.plan(400, 2, "broken")
                    : index(pod) == 1
                        ? Outcome.failed(3, "spec.variants[0].width: must be at most 16384")
                        : Batches.shard(0, 200, 0)));
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("broken", 200, ""));

      await()
          .atMost(LIMIT)
          .until(() -> Batches.isTrue(Batches.get(client, ns.name(), "broken"), "Failed"));
      ImageBatch failed = Batches.get(client, ns.name(), "broken");
      assertThat(Batches.isTrue(failed, "Stalled")).isTrue();
      assertThat(Batches.condition(failed, "Failed").orElseThrow().getReason())
          .isEqualTo("InvalidConfiguration");
      assertThat(Batches.condition(failed, "Failed").orElseThrow().getMessage()).contains("code 3");
      assertFailedEvent(client, ns.name(), failed);
      List<Pod> indexOne =
          Batches.pods(client, ns.name(), Labels.PROCESS).stream()
              .filter(
                  p -> "1".equals(p.getMetadata().getAnnotations().get(Labels.COMPLETION_INDEX)))
              .toList();
      assertThat(indexOne).hasSize(1);
    }
  }

  @Test
  void anOomKilledShardIsRetriedWithinRetriesPerShard(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
    node.behavior(
        PodBehavior.scripted(
            pod -> {
              if (Labels.PLAN.equals(component(pod))) {
                return Batches.plan(400, 2, "oom");
              }
              int attempt =
                  attempts.computeIfAbsent(index(pod), i -> new AtomicInteger()).incrementAndGet();
              return index(pod) == 0 && attempt == 1
                  ? Outcome.oomKilled()
                  : Batches.shard(index(pod), 200, 0);
            }));
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("oom", 200, ""));

      await()
          .atMost(LIMIT)
          .until(() -> Batches.isTrue(Batches.get(client, ns.name(), "oom"), "Complete"));
      ImageBatchStatus status = Batches.get(client, ns.name(), "oom").getStatus();
      assertThat(status.images().succeeded()).isEqualTo(400);
      assertThat(status.shards().succeeded()).isEqualTo(2);
      assertThat(attempts.get(0).get()).isEqualTo(2);
    }
  }

  @Test
  void aRestartedOperatorPicksUpTheRunWithoutDuplicateJobs(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(
        pod ->
            Labels.PLAN.equals(component(pod))
                ? java.util.Optional.of(Batches.plan(400, 2, "restart"))
                : java.util.Optional.empty());
    InProcessOperator first = InProcessOperator.start(client, ns.name());
    try {
      Batches.create(client, ns.name(), Batches.yaml("restart", 200, ""));
      await()
          .atMost(LIMIT)
          .until(
              () ->
                  Batches.pods(client, ns.name(), Labels.PROCESS).stream()
                          .filter(p -> "Running".equals(p.getStatus().getPhase()))
                          .count()
                      == 2);
    } finally {
      first.close();
    }
    try (var _ = InProcessOperator.start(client, ns.name())) {
      for (Pod pod : Batches.pods(client, ns.name(), Labels.PROCESS)) {
        int index =
            Integer.parseInt(pod.getMetadata().getAnnotations().get(Labels.COMPLETION_INDEX));
        node.terminate(pod.getMetadata().getName(), Batches.shard(index, 200, 0));
      }
      await()
          .atMost(LIMIT)
          .until(() -> Batches.isTrue(Batches.get(client, ns.name(), "restart"), "Complete"));
      assertThat(Batches.jobs(client, ns.name()))
          .extracting(j -> j.getMetadata().getName())
          .containsExactlyInAnyOrder("restart-plan-g1", "restart-g1");
      assertThat(Batches.get(client, ns.name(), "restart").getStatus().images().succeeded())
          .isEqualTo(400);
    }
  }

  @Test
  void aSpecChangeReplacesTheRunningGenerationsJobs(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(
        pod ->
            Labels.PLAN.equals(component(pod))
                ? java.util.Optional.of(Batches.plan(400, 2, "change"))
                : java.util.Optional.empty());
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("change", 200, ""));
      await()
          .atMost(LIMIT)
          .until(
              () ->
                  client.batch().v1().jobs().inNamespace(ns.name()).withName("change-g1").get()
                      != null);

      node.behavior(runner("change", 400, 2, 0));
      mergePatch(
          client,
          ns.name(),
          "change",
          "{\"spec\":{\"variants\":[{\"name\":\"thumb\",\"width\":400,"
              + "\"formats\":[\"webp\",\"avif\",\"jpeg\"]}]}}");

      await()
          .atMost(LIMIT)
          .until(
              () -> {
                ImageBatch b = Batches.get(client, ns.name(), "change");
                return Batches.isTrue(b, "Complete") && b.getStatus().observedGeneration() == 2;
              });
      await()
          .atMost(LIMIT)
          .untilAsserted(
              () ->
                  assertThat(Batches.jobs(client, ns.name()))
                      .extracting(j -> j.getMetadata().getName())
                      .containsExactlyInAnyOrder("change-plan-g2", "change-g2"));
      assertThat(
              client
                  .configMaps()
                  .inNamespace(ns.name())
                  .withName("change-spec")
                  .get()
                  .getData()
                  .get("batch.yaml"))
          .contains("generation: 2")
          .contains("jpeg");
    }
  }

  @Test
  void suspendPausesTheJobAndResumeContinuesIt(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(
        pod ->
            Labels.PLAN.equals(component(pod))
                ? java.util.Optional.of(Batches.plan(400, 2, "pause"))
                : java.util.Optional.empty());
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("pause", 200, ""));
      await()
          .atMost(LIMIT)
          .until(
              () ->
                  Batches.get(client, ns.name(), "pause").getStatus() != null
                      && Batches.get(client, ns.name(), "pause").getStatus().phase()
                          == Phase.Running);

      setSuspend(client, ns.name(), "pause", true);
      await()
          .atMost(LIMIT)
          .until(
              () ->
                  Batches.get(client, ns.name(), "pause").getStatus().phase() == Phase.Suspended
                      && Boolean.TRUE.equals(
                          processJob(client, ns.name(), "pause-g1").getSpec().getSuspend()));

      node.behavior(runner("pause", 400, 2, 0));
      setSuspend(client, ns.name(), "pause", false);
      await()
          .atMost(LIMIT)
          .until(() -> Batches.isTrue(Batches.get(client, ns.name(), "pause"), "Complete"));
      // Pausing is not a new run: the same Job (generation 1) finished.
      assertThat(Batches.jobs(client, ns.name()))
          .extracting(j -> j.getMetadata().getName())
          .containsExactlyInAnyOrder("pause-plan-g1", "pause-g1");
      assertThat(Batches.get(client, ns.name(), "pause").getStatus().observedGeneration())
          .isEqualTo(3);
    }
  }

  @Test
  void aSteadyRunningBatchCausesNoWrites(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    // The plan finishes; the shards run and never end.
    node.behavior(
        pod ->
            Labels.PLAN.equals(component(pod))
                ? java.util.Optional.of(Batches.plan(400, 2, "steady"))
                : java.util.Optional.empty());
    try (var operator = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("steady", 200, ""));
      await()
          .atMost(LIMIT)
          .until(
              () -> {
                ImageBatch batch = Batches.get(client, ns.name(), "steady");
                return batch.getStatus() != null
                    && batch.getStatus().phase() == Phase.Running
                    && batch.getStatus().shards() != null
                    && Integer.valueOf(2).equals(batch.getStatus().shards().active());
              });
      // Steady: nothing (operator, job controller, simulated kubelet) writes for 2 s in a row. An
      // operator that writes on every reconciliation never gets here: its writes are events that
      // reconcile again.
      AtomicReference<Map<String, String>> seen = new AtomicReference<>(Map.of());
      await("no resourceVersion of the batch, its ConfigMap or Jobs changes for 2 s")
          .atMost(LIMIT)
          .during(Duration.ofSeconds(2))
          .until(
              () -> {
                Map<String, String> now = versions(client, ns.name(), "steady");
                return now.equals(seen.getAndSet(now));
              });
      Map<String, String> before = seen.get();
      assertThat(before).containsOnlyKeys("batch", "configMap", "planJob", "processJob");

      // Reconciliations happen (a touch of the finished plan Job triggers one) and write nothing:
      // the other objects keep their resourceVersions, the plan Job keeps the touched one.
      double reconciliations = reconciliations(operator);
      String touched =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(ns.name())
              .withName("steady-plan-g1")
              .patch(
                  PatchContext.of(PatchType.JSON_MERGE),
                  "{\"metadata\":{\"annotations\":{\"test.imagebatch.io/touch\":\"1\"}}}")
              .getMetadata()
              .getResourceVersion();
      Map<String, String> expected = new java.util.TreeMap<>(before);
      expected.put("planJob", touched);
      await().atMost(LIMIT).until(() -> reconciliations(operator) > reconciliations);
      await()
          .atMost(Duration.ofSeconds(15))
          .during(Duration.ofSeconds(3))
          .untilAsserted(
              () -> assertThat(versions(client, ns.name(), "steady")).isEqualTo(expected));
      assertThat(Batches.get(client, ns.name(), "steady").getStatus().phase())
          .isEqualTo(Phase.Running);
    }
  }

  /** The resourceVersions of a batch and everything the operator made for generation 1. */
  private static Map<String, String> versions(
      KubernetesClient client, String namespace, String name) {
    Map<String, String> versions = new java.util.TreeMap<>();
    versions.put("batch", Batches.get(client, namespace, name).getMetadata().getResourceVersion());
    versions.put(
        "configMap",
        client
            .configMaps()
            .inNamespace(namespace)
            .withName(name + "-spec")
            .get()
            .getMetadata()
            .getResourceVersion());
    versions.put(
        "planJob",
        processJob(client, namespace, name + "-plan-g1").getMetadata().getResourceVersion());
    versions.put(
        "processJob",
        processJob(client, namespace, name + "-g1").getMetadata().getResourceVersion());
    return versions;
  }

  @Test
  void deletingTheBatchGarbageCollectsJobsAndConfigMap(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(
        pod ->
            Labels.PLAN.equals(component(pod))
                ? java.util.Optional.of(Batches.plan(400, 2, "gone"))
                : java.util.Optional.empty());
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("gone", 200, ""));
      await()
          .atMost(LIMIT)
          .until(
              () ->
                  client.batch().v1().jobs().inNamespace(ns.name()).withName("gone-g1").get()
                      != null);

      client.resources(ImageBatch.class).inNamespace(ns.name()).withName("gone").delete();

      await()
          .atMost(LIMIT)
          .until(
              () ->
                  Batches.jobs(client, ns.name()).isEmpty()
                      && client.configMaps().inNamespace(ns.name()).withName("gone-spec").get()
                          == null);
    }
  }

  @Test
  void aMissingVolumeClaimStallsTheBatchUntilItExists(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(PodBehavior.keepRunning());
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.onClaim("volumes"));
      await()
          .atMost(LIMIT)
          .until(() -> Batches.isTrue(Batches.get(client, ns.name(), "volumes"), "Stalled"));
      ImageBatch stalled = Batches.get(client, ns.name(), "volumes");
      assertThat(stalled.getStatus().phase()).isEqualTo(Phase.Pending);
      assertThat(Batches.condition(stalled, "Stalled").orElseThrow().getMessage())
          .contains("PersistentVolumeClaim \"uploads\"")
          .contains("create it");
      assertThat(Batches.jobs(client, ns.name())).isEmpty();

      client
          .persistentVolumeClaims()
          .inNamespace(ns.name())
          .resource(
              new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
                  .withNewMetadata()
                  .withName("uploads")
                  .endMetadata()
                  .withNewSpec()
                  .withAccessModes("ReadWriteMany")
                  .withNewResources()
                  .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi"))
                  .endResources()
                  .endSpec()
                  .build())
          .create();

      await()
          .atMost(LIMIT)
          .until(
              () ->
                  Batches.get(client, ns.name(), "volumes").getStatus().phase() == Phase.Planning);
      assertThat(Batches.isTrue(Batches.get(client, ns.name(), "volumes"), "Stalled")).isFalse();
      PodSpec plan =
          processJob(client, ns.name(), "volumes-plan-g1").getSpec().getTemplate().getSpec();
      assertThat(plan.getContainers().get(0).getVolumeMounts())
          .extracting(m -> m.getMountPath() + (Boolean.TRUE.equals(m.getReadOnly()) ? ":ro" : ""))
          .contains("/data/source:ro", "/data/output", "/etc/imagebatch:ro", "/tmp");
    }
  }

  @Test
  void aQueuedBatchsJobsCarryTheKueueLabelAndWaitSuspendedForAdmission(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    node.behavior(runner("queued", 400, 2, 0));
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("queued", 200, "queueName: team-a"));

      // No Kueue here: the test admits each Job as Kueue would, by unsuspending it.
      for (String name : List.of("queued-plan-g1", "queued-g1")) {
        await().atMost(LIMIT).until(() -> processJob(client, ns.name(), name) != null);
        Job job = processJob(client, ns.name(), name);
        assertThat(job.getMetadata().getLabels())
            .containsEntry("kueue.x-k8s.io/queue-name", "team-a");
        assertThat(job.getSpec().getSuspend()).isTrue();
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(ns.name())
            .withName(name)
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":false}}");
      }
      await()
          .atMost(LIMIT)
          .until(() -> Batches.isTrue(Batches.get(client, ns.name(), "queued"), "Complete"));
    }
  }

  @Test
  void aMissingCredentialsSecretStallsTheBatchUntilItsPodsStart(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    // The kubelet cannot build the runner's env: the plan pod waits for the Secret, then (once
    // it exists and planning is done) the shards wait for a key it lacks.
    String keyMissing =
        "couldn't find key AWS_SECRET_ACCESS_KEY in Secret " + ns.name() + "/s3-credentials";
    node.behavior(
        PodBehavior.scripted(
            pod -> {
              if (Labels.PLAN.equals(component(pod))) {
                node.holdWaiting("CreateContainerConfigError", keyMissing);
                return Batches.plan(400, 2, "creds");
              }
              return Batches.shard(index(pod), 200, 0);
            }));
    node.holdWaiting("CreateContainerConfigError", "secret \"s3-credentials\" not found");
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("creds", 200, ""));

      await()
          .atMost(LIMIT)
          .until(() -> Batches.isTrue(Batches.get(client, ns.name(), "creds"), "Stalled"));
      ImageBatch stalled = Batches.get(client, ns.name(), "creds");
      assertThat(stalled.getStatus().phase()).isEqualTo(Phase.Planning);
      assertThat(Batches.condition(stalled, "Stalled").orElseThrow())
          .satisfies(c -> assertThat(c.getReason()).isEqualTo("SecretNotFound"))
          .satisfies(
              c ->
                  assertThat(c.getMessage())
                      .startsWith(
                          "Secret \"s3-credentials\" (spec.source.s3.credentialsSecret and"
                              + " spec.output.s3.credentialsSecret) not found in namespace \""
                              + ns.name()
                              + "\": create it"));
      assertThat(Batches.isTrue(stalled, "Ready")).isFalse();
      assertThat(Batches.isTrue(stalled, "Reconciling")).isFalse();
      await().atMost(LIMIT).until(() -> warnings(client, ns.name()).contains("SecretNotFound"));

      // "Create the Secret": the kubelet starts the plan pod; the shards then miss a key.
      createCredentials(client, ns.name());
      node.release();
      await()
          .atMost(LIMIT)
          .until(
              () ->
                  Batches.condition(Batches.get(client, ns.name(), "creds"), "Stalled")
                      .map(c -> "SecretKeyNotFound".equals(c.getReason()))
                      .orElse(false));
      ImageBatch keyStalled = Batches.get(client, ns.name(), "creds");
      assertThat(keyStalled.getStatus().phase()).isEqualTo(Phase.Running);
      assertThat(Batches.isTrue(keyStalled, "Stalled")).isTrue();
      assertThat(Batches.condition(keyStalled, "Stalled").orElseThrow().getMessage())
          .contains(
              "Secret \"s3-credentials\" (spec.source.s3.credentialsSecret and"
                  + " spec.output.s3.credentialsSecret) in namespace \""
                  + ns.name()
                  + "\" has no key \"AWS_SECRET_ACCESS_KEY\"");
      await().atMost(LIMIT).until(() -> warnings(client, ns.name()).contains("SecretKeyNotFound"));

      // The key is added: the shards run and the batch finishes by itself.
      client
          .secrets()
          .inNamespace(ns.name())
          .withName("s3-credentials")
          .edit(
              secret -> {
                secret.setStringData(Map.of("AWS_SECRET_ACCESS_KEY", "test"));
                return secret;
              });
      node.release();
      await()
          .atMost(LIMIT)
          .until(() -> Batches.isTrue(Batches.get(client, ns.name(), "creds"), "Complete"));
      ImageBatch done = Batches.get(client, ns.name(), "creds");
      assertThat(done.getStatus().phase()).isEqualTo(Phase.Succeeded);
      assertThat(Batches.isTrue(done, "Stalled")).isFalse();
      assertThat(done.getStatus().images().succeeded()).isEqualTo(400);
    }
  }

  /**
   * The batch has exactly one Warning event with reason Failed, about this batch, carrying the
   * Failed condition's message.
   */
  private static void assertFailedEvent(KubernetesClient client, String namespace, ImageBatch b) {
    String message = Batches.condition(b, "Failed").orElseThrow().getMessage();
    await()
        .atMost(LIMIT)
        .untilAsserted(
            () ->
                assertThat(
                        client.v1().events().inNamespace(namespace).list().getItems().stream()
                            .filter(e -> "Failed".equals(e.getReason()))
                            .toList())
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getInvolvedObject().getKind()).isEqualTo("ImageBatch");
                          assertThat(e.getInvolvedObject().getName())
                              .isEqualTo(b.getMetadata().getName());
                          assertThat(e.getInvolvedObject().getUid())
                              .isEqualTo(b.getMetadata().getUid());
                          assertThat(e.getMessage()).isEqualTo(message);
                        }));
  }

  private static List<String> warnings(KubernetesClient client, String namespace) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> "Warning".equals(e.getType()))
        .map(e -> e.getReason())
        .toList();
  }

  /**
   * What the user does: the Secret the batch names, first without AWS_SECRET_ACCESS_KEY (the
   * operator never reads it; the simulated kubelet is told what a real one would see).
   */
  private static void createCredentials(KubernetesClient client, String namespace) {
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("s3-credentials")
                .endMetadata()
                .addToStringData("AWS_ACCESS_KEY_ID", "test")
                .build())
        .create();
  }

  @Test
  void runnerPodsAreAdmittedInANamespaceEnforcingRestricted(
      KubernetesClient client, TestNamespace ns, NodeSimulator node) {
    client
        .namespaces()
        .withName(ns.name())
        .edit(
            n -> {
              n.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
              return n;
            });
    node.behavior(runner("secure", 400, 2, 0));
    try (var _ = InProcessOperator.start(client, ns.name())) {
      Batches.create(client, ns.name(), Batches.yaml("secure", 200, ""));

      await()
          .atMost(LIMIT)
          .until(() -> Batches.isTrue(Batches.get(client, ns.name(), "secure"), "Complete"));
      assertThat(Batches.pods(client, ns.name(), Labels.PROCESS)).hasSize(2);
      assertThat(Batches.pods(client, ns.name(), Labels.PLAN)).hasSize(1);
    }
  }

  private static double reconciliations(InProcessOperator operator) {
    return operator.metrics().registry().get("imagebatch.reconciliations").counter().count();
  }

  private static Job processJob(KubernetesClient client, String namespace, String name) {
    return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
  }

  private static void setSuspend(
      KubernetesClient client, String namespace, String name, boolean suspend) {
    mergePatch(client, namespace, name, "{\"spec\":{\"suspend\":" + suspend + "}}");
  }

  /** Like kubectl patch --type merge: no resourceVersion, so no conflict with status writes. */
  private static void mergePatch(
      KubernetesClient client, String namespace, String name, String patch) {
    client
        .resources(ImageBatch.class)
        .inNamespace(namespace)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }
}
