package io.imagebatch.e2e.controlplane.node;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Takes the scheduler's and the kubelet's place for one namespace: registers a fake Ready node,
 * binds Pending pods to it (Binding), marks them Running, lets a {@link PodBehavior} decide how
 * they end, writes that through the pods/status subresource, and completes pod deletions (a deleted
 * pod on a node waits for its kubelet to confirm; here the simulator does, with grace 0).
 *
 * <p>Set the behavior before creating pods: it is read when a pod starts running. {@link
 * #holdWaiting} keeps new pods from starting (Pending, containers waiting with a given reason, as
 * for a missing Secret) until {@link #release}.
 */
public final class NodeSimulator implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(NodeSimulator.class.getName());
  private static final long RESYNC_MILLIS = 10_000;
  private static final int STATUS_ATTEMPTS = 20;

  /** The simulated node's capacity, all allocatable (also what an unset limit resolves to). */
  static final Map<String, Quantity> ALLOCATABLE =
      Map.of(
          "cpu", new Quantity("8"),
          "memory", new Quantity("16Gi"),
          "ephemeral-storage", new Quantity("100Gi"),
          "pods", new Quantity("110"));

  private final KubernetesClient client;
  private final String namespace;
  private final String nodeName;
  private final Path scratchRoot;
  private final ExecutorService reconciler;
  private final ExecutorService workers;
  private final Set<String> started = ConcurrentHashMap.newKeySet();
  private final Map<String, Future<?>> running = new ConcurrentHashMap<>();

  /** Pods kept waiting by {@link #holdWaiting}: uid to name. */
  private final Map<String, String> held = new ConcurrentHashMap<>();

  private final AtomicInteger nextIp = new AtomicInteger(1);
  private volatile PodBehavior behavior = PodBehavior.keepRunning();
  private volatile SharedIndexInformer<Pod> informer;
  private volatile Waiting hold;

  /** Why a container cannot start, as a kubelet says it in {@code state.waiting}. */
  public record Waiting(String reason, String message) {}

  private NodeSimulator(KubernetesClient client, String namespace, Path scratchRoot) {
    this.client = client;
    this.namespace = namespace;
    this.nodeName = "simulated-" + namespace;
    this.scratchRoot = scratchRoot;
    this.reconciler = Executors.newSingleThreadExecutor(daemon("node-simulator-" + namespace));
    this.workers = Executors.newCachedThreadPool(daemon("simulated-pod-" + namespace));
  }

  /** Registers the node and starts watching {@code namespace}; pods keep running by default. */
  public static NodeSimulator start(KubernetesClient client, String namespace) {
    try {
      NodeSimulator simulator =
          new NodeSimulator(
              client, namespace, Files.createTempDirectory("imagebatch-node-" + namespace + "-"));
      simulator.registerNode();
      simulator.informer =
          client.pods().inNamespace(namespace).inform(simulator.new Enqueue(), RESYNC_MILLIS);
      return simulator;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Chooses what happens to pods that start from now on. */
  public NodeSimulator behavior(PodBehavior behavior) {
    this.behavior = behavior;
    return this;
  }

  /**
   * Pods bound from now on do not start: they stay Pending with every container waiting with {@code
   * reason} and {@code message} (e.g. {@code CreateContainerConfigError}, {@code secret "s3-creds"
   * not found}) until {@link #release}.
   */
  public NodeSimulator holdWaiting(String reason, String message) {
    this.hold = new Waiting(reason, message);
    return this;
  }

  /**
   * Ends {@link #holdWaiting}: the held pods, and pods bound from now on, go Running and their
   * behavior decides how they end (as when the missing Secret has been created).
   */
  public NodeSimulator release() {
    reconciler.execute(
        () -> {
          hold = null;
          for (String uid : List.copyOf(held.keySet())) {
            String podName = held.remove(uid);
            if (podName != null) {
              reconcileSafely(podName);
            }
          }
        });
    return this;
  }

  public String nodeName() {
    return nodeName;
  }

  /** The directory process mode and custom behaviors use for this pod (volumes, logs). */
  public Path scratchDir(String podName) {
    return scratchRoot.resolve(podName);
  }

  /** Ends a running pod now (scripted mode for pods left running by their behavior). */
  public void terminate(String podName, Outcome outcome) {
    Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
    if (pod == null) {
      throw new IllegalArgumentException("no pod " + namespace + "/" + podName);
    }
    Future<?> work = running.remove(pod.getMetadata().getUid());
    if (work != null) {
      work.cancel(true);
    }
    writeStatus(podName, pod.getMetadata().getUid(), p -> PodStatuses.terminated(p, outcome));
  }

  @Override
  public void close() {
    SharedIndexInformer<Pod> watch = informer;
    if (watch != null) {
      watch.close();
    }
    reconciler.shutdownNow();
    running.values().forEach(work -> work.cancel(true));
    workers.shutdownNow();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
      reconciler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      // Without a kubelet, deleted pods would wait for one: end them now so the namespace goes.
      client.pods().inNamespace(namespace).withGracePeriod(0).delete();
      client.nodes().withName(nodeName).delete();
    } catch (KubernetesClientException e) {
      LOG.log(Level.DEBUG, "cleanup after " + nodeName + " failed", e);
    }
    deleteRecursively(scratchRoot);
  }

  private void registerNode() {
    Node node =
        client
            .nodes()
            .resource(
                new NodeBuilder()
                    .withNewMetadata()
                    .withName(nodeName)
                    .withLabels(
                        Map.of(
                            "kubernetes.io/hostname",
                            nodeName,
                            "kubernetes.io/os",
                            "linux",
                            "imagebatch.io/simulated",
                            "true"))
                    .endMetadata()
                    .build())
            .create();
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    node.setStatus(
        new NodeStatusBuilder()
            .withCapacity(ALLOCATABLE)
            .withAllocatable(ALLOCATABLE)
            .withConditions(
                new NodeConditionBuilder()
                    .withType("Ready")
                    .withStatus("True")
                    .withReason("KubeletReady")
                    .withMessage("simulated by imagebatch NodeSimulator")
                    .withLastHeartbeatTime(now)
                    .withLastTransitionTime(now)
                    .build())
            .build());
    client.nodes().resource(node).updateStatus();
  }

  /** Informer events only name the pod; the single reconciler thread acts on its latest state. */
  private final class Enqueue implements ResourceEventHandler<Pod> {
    @Override
    public void onAdd(Pod pod) {
      enqueue(pod);
    }

    @Override
    public void onUpdate(Pod oldPod, Pod newPod) {
      enqueue(newPod);
    }

    @Override
    public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
      held.remove(pod.getMetadata().getUid());
      Future<?> work = running.remove(pod.getMetadata().getUid());
      if (work != null) {
        work.cancel(true);
      }
    }

    private void enqueue(Pod pod) {
      String name = pod.getMetadata().getName();
      if (!reconciler.isShutdown()) {
        reconciler.execute(() -> reconcileSafely(name));
      }
    }
  }

  private void reconcileSafely(String podName) {
    try {
      reconcile(podName);
    } catch (KubernetesClientException e) {
      // 404/409: the pod moved on meanwhile; the next event brings its new state.
      LOG.log(Level.DEBUG, "reconciling " + podName + ": " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "reconciling " + podName + " failed", e);
    }
  }

  private void reconcile(String podName) {
    Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
    if (pod == null) {
      return;
    }
    String uid = pod.getMetadata().getUid();
    String boundTo = pod.getSpec().getNodeName();
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      if (boundTo == null || boundTo.equals(nodeName)) {
        Future<?> work = running.remove(uid);
        if (work != null) {
          work.cancel(true);
        }
        client.pods().inNamespace(namespace).withName(podName).withGracePeriod(0).delete();
      }
      return;
    }
    if (boundTo == null) {
      bind(podName);
      return;
    }
    if (!boundTo.equals(nodeName)
        || isTerminal(pod)
        || started.contains(uid)
        || held.containsKey(uid)) {
      return;
    }
    String ip = "10.244.0." + (nextIp.getAndIncrement() % 250 + 1);
    Waiting waiting = hold;
    if (waiting != null) {
      held.put(uid, podName);
      writeStatus(
          podName, uid, p -> PodStatuses.waiting(p, ip, waiting.reason(), waiting.message()));
      return;
    }
    started.add(uid);
    writeStatus(podName, uid, p -> PodStatuses.running(p, ip));
    PodBehavior chosen = behavior;
    // Registered before the work starts: a behavior that answers at once could otherwise finish
    // before its Future is in the map, find no entry, and drop its outcome (the pod would stay
    // Running for good; seen about 4 times in 5,000 pods).
    FutureTask<Void> work = new FutureTask<>(() -> run(podName, uid, chosen), null);
    running.put(uid, work);
    workers.execute(work);
  }

  /**
   * Binds as the scheduler does. fabric8 has no DSL for pods/{name}/binding, so this POSTs to
   * namespaces/{ns}/bindings, which the apiserver serves with the same Binding storage.
   */
  private void bind(String podName) {
    client
        .bindings()
        .inNamespace(namespace)
        .resource(
            new BindingBuilder()
                .withNewMetadata()
                .withName(podName)
                .withNamespace(namespace)
                .endMetadata()
                .withNewTarget()
                .withApiVersion("v1")
                .withKind("Node")
                .withName(nodeName)
                .endTarget()
                .build())
        .create();
  }

  private void run(String podName, String uid, PodBehavior chosen) {
    Optional<Outcome> outcome;
    try {
      Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
      if (pod == null || !uid.equals(pod.getMetadata().getUid())) {
        return;
      }
      Path scratch = Files.createDirectories(scratchDir(podName));
      outcome = chosen.onRunning(new RunningPod(pod, client, scratch));
    } catch (InterruptedException e) {
      return; // the pod was deleted or terminated by the test: nothing to report
    } catch (Exception e) {
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
      // What a kubelet reports when a container cannot start.
      outcome = Optional.of(new Outcome(128, "StartError", String.valueOf(e.getMessage())));
    }
    if (running.remove(uid) == null) {
      return; // cancelled while finishing
    }
    outcome.ifPresent(o -> writeStatus(podName, uid, p -> PodStatuses.terminated(p, o)));
  }

  /**
   * Writes a status computed from the latest pod, retrying on conflicts with controllers and, as a
   * kubelet does, on an API server too busy to answer (a timeout, 429, 5xx): a lost write would
   * leave the pod Running for good.
   */
  private void writeStatus(String podName, String uid, Function<Pod, PodStatus> status) {
    for (int attempt = 0; attempt < STATUS_ATTEMPTS; attempt++) {
      try {
        Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
        if (pod == null
            || !uid.equals(pod.getMetadata().getUid())
            || pod.getMetadata().getDeletionTimestamp() != null
            || isTerminal(pod)) {
          return;
        }
        pod.setStatus(status.apply(pod));
        client.pods().inNamespace(namespace).resource(pod).updateStatus();
        return;
      } catch (KubernetesClientException e) {
        int code = e.getCode();
        if (code != 409 && code != 429 && code != 0 && code < 500) {
          throw e;
        }
        if (code != 409) {
          backOff(attempt);
        }
      }
    }
    throw new IllegalStateException("could not write status of " + podName + ": conflicts");
  }

  /** A kubelet's retry delay: 100 ms, growing, capped at 2 s. */
  private static void backOff(int attempt) {
    try {
      Thread.sleep(Math.min(2000, 100L << Math.min(attempt, 5)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a status write", e);
    }
  }

  private static boolean isTerminal(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: temp files must not fail a test.
    }
  }
}
