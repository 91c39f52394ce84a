package io.imagebatch.e2e.fullflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.e2e.controlplane.ControlPlane;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.RequiresControllerManager;
import io.imagebatch.e2e.controlplane.TestNamespace;
import io.imagebatch.e2e.controlplane.node.NodeSimulator;
import io.imagebatch.e2e.controlplane.node.PodBehavior;
import io.imagebatch.e2e.kueue.Kueue;
import io.imagebatch.e2e.kueue.KueueUnavailableException;
import io.imagebatch.operator.InProcessOperator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ImageBatches queued by Kueue's real controller manager (built from sigs.k8s.io/kueue, webhooks
 * and all), with examples/kueue/queues.yaml applied unchanged: its ClusterQueue holds 16 CPUs, and
 * every runner pod here asks for 16, so one Job at a time is admitted. The operator runs
 * in-process, the node simulator runs the real runner for every pod, each held at a {@link Gate}
 * until the test lets it start, so "while A runs, B waits" is a state the test holds, not a race.
 *
 * <p>Kueue admits Jobs, and each batch has two (plan, then process): so two batches' Jobs take
 * turns in the queue in creation order (or priority order), rather than one whole batch after the
 * other.
 *
 * <p>Why this stays on the node simulator: KueueExampleE2E (e2e/node) runs the example on the real
 * node, but a real pod cannot be held at its start while the test checks what waits; the gate is
 * what makes these states deterministic.
 */
@ExtendWith(ControlPlaneExtension.class)
@RequiresControllerManager
class KueueE2E {
  /** The namespace of examples/kueue/queues.yaml's LocalQueue, applied as it is. */
  private static final String NS = "shop";

  private static final Duration LIMIT = Duration.ofMinutes(2);
  private static final String ACCESS_KEY = "kueue-access";
  private static final String SECRET_KEY = "kueue-secret";

  @RegisterExtension
  final S3ProxyExtension s3proxy =
      S3ProxyExtension.builder().withCredentials(ACCESS_KEY, SECRET_KEY).build();

  private static Kueue kueue;
  private static Gate gate;
  private static NodeSimulator node;
  private static InProcessOperator operator;
  private static TestNamespace shop;

  @BeforeAll
  static void startKueueAndApplyTheExampleQueues(ControlPlane plane, KubernetesClient client)
      throws Exception {
    try {
      kueue = Kueue.start(plane);
    } catch (KueueUnavailableException e) {
      ControlPlaneExtension.skipOrFail(e.getMessage(), e);
    }
    shop = plane.createNamespace(NS, Map.of("imagebatch.io/test", "true"));
    Path queues = Path.of("../../examples/kueue/queues.yaml").toAbsolutePath().normalize();
    assertThat(plane.kubectl("apply", "-f", queues.toString()).orThrow())
        .contains("resourceflavor.kueue.x-k8s.io/default-flavor created")
        .contains("clusterqueue.kueue.x-k8s.io/image-processing created")
        .contains("localqueue.kueue.x-k8s.io/image-jobs created");
    await("ClusterQueue image-processing active")
        .atMost(LIMIT)
        .until(
            () ->
                Kueue.condition(
                    client
                        .genericKubernetesResources("kueue.x-k8s.io/v1beta2", "ClusterQueue")
                        .withName("image-processing")
                        .get(),
                    "Active"));

    ObjectStore.credentialsSecret(client, NS, ACCESS_KEY, SECRET_KEY);
    for (Map.Entry<String, Integer> priority :
        Map.of("imagebatch-low", 100, "imagebatch-high", 1000).entrySet()) {
      client
          .resource(
              new PriorityClassBuilder()
                  .withNewMetadata()
                  .withName(priority.getKey())
                  .endMetadata()
                  .withValue(priority.getValue())
                  .build())
          .serverSideApply();
    }
    gate = Gate.create();
    node =
        NodeSimulator.start(client, NS)
            .behavior(PodBehavior.process(gate.holding(RunnerImage.commandMapper())));
    operator = InProcessOperator.start(client, NS);
  }

  @AfterAll
  static void stop(ControlPlane plane) throws IOException {
    if (operator != null) {
      operator.close();
    }
    if (node != null) {
      node.close();
    }
    if (shop != null) {
      plane.deleteNamespace(shop);
    }
    if (kueue != null) {
      kueue.close();
    }
    if (gate != null) {
      gate.close();
    }
  }

  /** A fresh object store per test (s3proxy's lifecycle): one image to process. */
  @BeforeEach
  void oneImage() throws IOException {
    try (ObjectStore s3 = new ObjectStore(s3proxy.getUri(), ACCESS_KEY, SECRET_KEY)) {
      s3.createBucket("raw");
      s3.createBucket("derived");
      Map.Entry<String, byte[]> image = ExampleImages.read().entrySet().iterator().next();
      s3.put("raw", "in/" + image.getKey(), image.getValue());
    }
  }

  /** Each test leaves the queue empty: its batches deleted, their Workloads gone. */
  @AfterEach
  void deleteTheBatches(KubernetesClient client) {
    client.resources(ImageBatch.class).inNamespace(NS).delete();
    await("no Workloads left in " + NS)
        .atMost(LIMIT)
        .until(
            () ->
                workloads(client).isEmpty()
                    && client.pods().inNamespace(NS).list().getItems().isEmpty());
  }

  @Test
  void aSecondBatchWaitsForAdmissionUntilTheFirstFinishesThenCompletes(KubernetesClient client)
      throws Exception {
    create(client, "first", "");
    Job firstPlan = awaitAdmittedAndHeld(client, "first-plan-g1");
    assertThat(firstPlan.getMetadata().getLabels())
        .containsEntry("kueue.x-k8s.io/queue-name", "image-jobs");
    gate.release();
    awaitAdmittedAndHeld(client, "first-g1");

    create(client, "second", "");
    GenericKubernetesResource waiting = awaitWaiting(client, "second-plan-g1");
    assertThat(waiting.<String>get("spec", "queueName")).isEqualTo("image-jobs");
    assertThat(pods(client, "second-plan-g1")).isEmpty();
    assertWaitingForAdmission(client, "second");

    gate.release();
    awaitComplete(client, "first");
    awaitAdmittedAndHeld(client, "second-plan-g1");
    gate.release();
    awaitAdmittedAndHeld(client, "second-g1");
    gate.release();
    awaitComplete(client, "second");

    // The wait is measured: the operator's queue-wait histogram saw every admitted Job.
    assertThat(
            operator
                .metrics()
                .registry()
                .get("imagebatch.queue.wait")
                .tags("namespace", NS, "component", "plan")
                .timer()
                .count())
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void aSuspendedBatchGivesItsQuotaBackAndKueueAdmitsItAgainOnResume(KubernetesClient client)
      throws Exception {
    create(client, "paused", "");
    awaitAdmittedAndHeld(client, "paused-plan-g1");
    gate.release();
    awaitAdmittedAndHeld(client, "paused-g1");

    suspend(client, "paused", true);
    awaiting(
        client,
        "paused Suspended, its Workload deactivated and evicted, its Job suspended, no pod",
        () -> kueue.workloadOf(NS, "paused-g1"),
        w ->
            phase(client, "paused") == Phase.Suspended
                && Boolean.FALSE.equals(w.get("spec", "active"))
                && !Kueue.admitted(w)
                && Boolean.TRUE.equals(job(client, "paused-g1").getSpec().getSuspend())
                && pods(client, "paused-g1").isEmpty());

    // Its quota is free: another batch runs through while it is paused, and it stays paused.
    create(client, "meanwhile", "");
    awaitAdmittedAndHeld(client, "meanwhile-plan-g1");
    gate.release();
    awaitAdmittedAndHeld(client, "meanwhile-g1");
    gate.release();
    awaitComplete(client, "meanwhile");
    assertThat(job(client, "paused-g1").getSpec().getSuspend()).isTrue();
    assertThat(phase(client, "paused")).isEqualTo(Phase.Suspended);

    suspend(client, "paused", false);
    awaitAdmittedAndHeld(client, "paused-g1");
    assertThat(kueue.workloadOf(NS, "paused-g1").<Boolean>get("spec", "active")).isTrue();
    gate.release();
    awaitComplete(client, "paused");
  }

  @Test
  void aSpecChangeReplacesTheQueuedJobWithTheNewRunsJob(KubernetesClient client) throws Exception {
    create(client, "holder", "");
    awaitAdmittedAndHeld(client, "holder-plan-g1");
    gate.release();
    awaitAdmittedAndHeld(client, "holder-g1");
    create(client, "changed", "");
    String old = awaitWaiting(client, "changed-plan-g1").getMetadata().getName();
    // Change the spec once the operator has written generation 1's status: a spec change racing
    // that write was once not reconciled for minutes (reported to the operator's owners).
    awaiting(
        client,
        "changed's status written for generation 1",
        () -> batch(client, "changed"),
        b -> b.getStatus() != null && b.getStatus().phase() == Phase.Planning);

    patch(
        client,
        "changed",
        "{\"spec\":{\"variants\":[{\"name\":\"thumb\",\"width\":96,\"formats\":[\"webp\"]}]}}");
    awaitWaiting(client, "changed-plan-g2");
    awaiting(
        client,
        "the generation-1 Job and its Workload gone",
        () -> workloads(client),
        w -> job(client, "changed-plan-g1") == null && w.stream().noneMatch(x -> named(x, old)));

    gate.release();
    awaitComplete(client, "holder");
    awaitAdmittedAndHeld(client, "changed-plan-g2");
    gate.release();
    awaitAdmittedAndHeld(client, "changed-g2");
    gate.release();
    awaitComplete(client, "changed");
  }

  @Test
  void aHigherPriorityClassIsAdmittedFirst(KubernetesClient client) throws Exception {
    create(client, "holder", "");
    awaitAdmittedAndHeld(client, "holder-plan-g1");
    gate.release();
    awaitAdmittedAndHeld(client, "holder-g1");
    create(client, "low", "priorityClassName: imagebatch-low");
    awaitWaiting(client, "low-plan-g1");
    create(client, "high", "priorityClassName: imagebatch-high");
    GenericKubernetesResource high = awaitWaiting(client, "high-plan-g1");
    assertThat(high.<Map<String, Object>>get("spec", "priorityClassRef"))
        .containsEntry("group", "scheduling.k8s.io")
        .containsEntry("kind", "PriorityClass")
        .containsEntry("name", "imagebatch-high");
    assertThat(high.<Number>get("spec", "priority").intValue()).isEqualTo(1000);

    // The quota frees: the high-priority batch goes first, though the low one queued earlier.
    gate.release();
    awaitComplete(client, "holder");
    awaitAdmittedAndHeld(client, "high-plan-g1");
    assertThat(Kueue.admitted(kueue.workloadOf(NS, "low-plan-g1"))).isFalse();
  }

  // --- batches ----------------------------------------------------------------------------------

  /** One image, one small variant, one pod per Job asking for the ClusterQueue's whole 16 CPUs. */
  private void create(KubernetesClient client, String name, String extraExecution) {
    String endpoint = s3proxy.getUri().toString();
    client
        .resource(
            client
                .getKubernetesSerialization()
                .unmarshal(
                    """
                    apiVersion: imagebatch.io/v1alpha1
                    kind: ImageBatch
                    metadata: { name: %s, namespace: %s }
                    spec:
                      source:
                        s3: { bucket: raw, prefix: in/, endpoint: "%s", credentialsSecret: s3-credentials }
                      variants: [ { name: thumb, width: 64, formats: [webp] } ]
                      output:
                        s3: { bucket: derived, prefix: %s/, endpoint: "%s", credentialsSecret: s3-credentials }
                      execution:
                        queueName: image-jobs
                        parallelism: 1
                        resources: { requests: { cpu: "16", memory: 1Gi }, limits: { memory: 2Gi } }
                        %s
                    """
                        .formatted(name, NS, endpoint, name, endpoint, extraExecution),
                    ImageBatch.class))
        .create();
  }

  private static void suspend(KubernetesClient client, String name, boolean suspend) {
    patch(client, name, "{\"spec\":{\"suspend\":" + suspend + "}}");
  }

  private static void patch(KubernetesClient client, String name, String mergePatch) {
    client
        .resources(ImageBatch.class)
        .inNamespace(NS)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }

  private static ImageBatch batch(KubernetesClient client, String name) {
    return client.resources(ImageBatch.class).inNamespace(NS).withName(name).get();
  }

  // --- waiting ----------------------------------------------------------------------------------

  /** Job {@code name} admitted by Kueue, unsuspended, and its pod running (held at the gate). */
  private static Job awaitAdmittedAndHeld(KubernetesClient client, String name) {
    awaiting(
        client,
        name + " admitted and its pod running",
        () ->
            Kueue.admitted(kueue.workloadOf(NS, name))
                && job(client, name) != null
                && Boolean.FALSE.equals(job(client, name).getSpec().getSuspend())
                && pods(client, name).stream()
                    .anyMatch(p -> "Running".equals(p.getStatus().getPhase())),
        admitted -> admitted);
    return job(client, name);
  }

  /**
   * Job {@code name} exists, suspended, and its Workload is pending: no quota reserved, for want of
   * CPU in the ClusterQueue.
   */
  private static GenericKubernetesResource awaitWaiting(KubernetesClient client, String name) {
    return awaiting(
        client,
        name + " waiting for quota",
        () -> kueue.workloadOf(NS, name),
        w ->
            w != null
                && !Kueue.admitted(w)
                && Boolean.TRUE.equals(job(client, name).getSpec().getSuspend())
                && String.valueOf(quotaReservedMessage(w))
                    .contains("insufficient unused quota for cpu in flavor default-flavor"));
  }

  /**
   * The batch says it waits for Kueue, not that it runs: Reconciling=True with reason
   * WaitingForAdmission, naming its Job and LocalQueue (the operator sees the Workload Kueue made,
   * so the message does not ask whether Kueue runs).
   */
  private static void assertWaitingForAdmission(KubernetesClient client, String name) {
    String message =
        "Job " + name + "-plan-g1 waits for Kueue to admit it (LocalQueue \"image-jobs\")";
    ImageBatch waiting =
        awaiting(
            client,
            name + " Reconciling=True, WaitingForAdmission",
            () -> batch(client, name),
            b ->
                reconciling(b)
                    .filter(c -> "WaitingForAdmission".equals(c.getReason()))
                    .isPresent());
    assertThat(waiting.getStatus().phase()).isEqualTo(Phase.Planning);
    assertThat(reconciling(waiting).orElseThrow())
        .extracting(Condition::getStatus, Condition::getMessage)
        .containsExactly("True", message);
  }

  private static Optional<Condition> reconciling(ImageBatch batch) {
    return batch == null || batch.getStatus() == null || batch.getStatus().conditions() == null
        ? Optional.empty()
        : batch.getStatus().conditions().stream()
            .filter(c -> "Reconciling".equals(c.getType()) && "True".equals(c.getStatus()))
            .findFirst();
  }

  private static void awaitComplete(KubernetesClient client, String name) {
    awaiting(
        client,
        name + " Complete",
        () -> batch(client, name),
        b -> {
          if (b != null && b.getStatus() != null && b.getStatus().phase() == Phase.Failed) {
            throw new AssertionError(name + " failed: " + b.getStatus() + "\n" + kueue.logTail());
          }
          return b != null && b.getStatus() != null && b.getStatus().phase() == Phase.Succeeded;
        });
  }

  /** Awaits {@code until}; on timeout, the queue's whole state is in the message. */
  private static <T> T awaiting(
      KubernetesClient client,
      String what,
      java.util.concurrent.Callable<T> supplier,
      java.util.function.Predicate<T> until) {
    try {
      return await(what).atMost(LIMIT).until(supplier, until::test);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(what + " did not happen within " + LIMIT + ":" + state(client), e);
    }
  }

  /** Batches, Jobs, Workloads and pods of the namespace, one line each, and Kueue's log tail. */
  private static String state(KubernetesClient client) {
    StringBuilder out = new StringBuilder();
    for (ImageBatch b : client.resources(ImageBatch.class).inNamespace(NS).list().getItems()) {
      out.append("\nbatch ").append(b.getMetadata().getName()).append(' ').append(b.getStatus());
    }
    for (Job j : client.batch().v1().jobs().inNamespace(NS).list().getItems()) {
      out.append("\njob ")
          .append(j.getMetadata().getName())
          .append(" suspend=")
          .append(j.getSpec().getSuspend())
          .append(" status=")
          .append(j.getStatus());
    }
    for (GenericKubernetesResource w : workloads(client)) {
      out.append("\nworkload ")
          .append(w.getMetadata().getName())
          .append(" conditions=")
          .append((Object) w.get("status", "conditions"));
    }
    for (Pod p : client.pods().inNamespace(NS).list().getItems()) {
      out.append("\npod ")
          .append(p.getMetadata().getName())
          .append(' ')
          .append(p.getStatus().getPhase())
          .append(' ')
          .append(p.getStatus().getContainerStatuses());
    }
    return out.append("\n--- kueue log\n").append(kueue.logTail()).toString();
  }

  private static String quotaReservedMessage(GenericKubernetesResource workload) {
    List<Map<String, Object>> conditions = workload.get("status", "conditions");
    return conditions == null
        ? null
        : conditions.stream()
            .filter(c -> "QuotaReserved".equals(c.get("type")))
            .map(c -> String.valueOf(c.get("message")))
            .findFirst()
            .orElse(null);
  }

  private static boolean named(GenericKubernetesResource object, String name) {
    return object.getMetadata().getName().equals(name);
  }

  private static Phase phase(KubernetesClient client, String name) {
    ImageBatch batch = batch(client, name);
    return batch == null || batch.getStatus() == null ? null : batch.getStatus().phase();
  }

  private static Job job(KubernetesClient client, String name) {
    return client.batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  private static List<Pod> pods(KubernetesClient client, String job) {
    return client.pods().inNamespace(NS).withLabel("job-name", job).list().getItems();
  }

  private static List<GenericKubernetesResource> workloads(KubernetesClient client) {
    return client
        .genericKubernetesResources("kueue.x-k8s.io/v1beta2", "Workload")
        .inNamespace(NS)
        .list()
        .getItems();
  }
}
