package io.imagebatch.e2e.node;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.imagebatch.e2e.controlplane.Kubectl;
import io.imagebatch.e2e.controlplane.KubectlResult;
import io.imagebatch.e2e.controlplane.TestNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one-node cluster of {@code e2e/node/cluster}, shared by every test of a JVM.
 *
 * <p>A cluster that already runs ({@code KUBECONFIG} names its kubeconfig, e.g. after {@code eval
 * "$(e2e/node/cluster up | tail -1)"}) is reused and left running. Otherwise the first test starts
 * one with {@code up --owner-pid <this JVM>} and a shutdown hook takes it down; if the JVM is
 * killed, the script's watchdog does.
 */
public final class RealCluster {
  /** The script's exit code for "this machine cannot run a node" (no root, no Go, ...). */
  private static final int UNAVAILABLE = 3;

  /** A cold first start builds Kubernetes, the node binaries and both images. */
  private static final Duration START_LIMIT = Duration.ofMinutes(40);

  private static RealCluster shared;
  private static RealNodeUnavailableException unavailable;

  private final ClusterEnv env;
  private final KubernetesClient client;
  private final Kubectl kubectl;

  private RealCluster(ClusterEnv env) {
    this.env = env;
    this.client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(read(env.kubeconfig())))
            .build();
    this.kubectl = new Kubectl(env.kubectl(), env.kubeconfig(), workDir().resolve("kubectl-cache"));
  }

  public static synchronized RealCluster shared() {
    if (unavailable != null) {
      throw unavailable;
    }
    if (shared == null) {
      try {
        shared = new RealCluster(startOrReuse());
      } catch (RealNodeUnavailableException e) {
        unavailable = e;
        throw e;
      }
    }
    return shared;
  }

  public KubernetesClient client() {
    return client;
  }

  public Kubectl kubectl() {
    return kubectl;
  }

  public ClusterEnv env() {
    return env;
  }

  /**
   * Gives an image the node has a second name, as pushing a new tag to a registry would (there is
   * no registry here: the node's containerd is where images live).
   */
  public void tagImage(String image, String newName) {
    KubectlResult result =
        exec(
            List.of(
                "ctr",
                "--address",
                env.get("CONTAINERD_SOCK"),
                "-n",
                "k8s.io",
                "images",
                "tag",
                "--force",
                image,
                newName));
    if (!result.succeeded()) {
      throw new IllegalStateException(
          "ctr images tag " + image + " " + newName + ": " + result.stderr());
    }
  }

  /**
   * Runs the node's helm against this cluster, as a cluster operator would (the chart's release is
   * {@code imagebatch} in {@code imagebatch-system}).
   */
  public KubectlResult helm(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(env.get("NODE_BIN"), "helm").toString());
    command.add("--kubeconfig=" + env.kubeconfig());
    command.addAll(List.of(args));
    return exec(command);
  }

  private static KubectlResult exec(List<String> command) {
    try {
      Files.createDirectories(workDir());
      Path out = Files.createTempFile(workDir(), "exec", ".out");
      Path err = Files.createTempFile(workDir(), "exec", ".err");
      try {
        Process process =
            new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          throw new IllegalStateException(String.join(" ", command) + " hung");
        }
        return new KubectlResult(process.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  /** A namespace that enforces the restricted Pod Security Standard, ready for pods. */
  public TestNamespace createNamespace(String name) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(
                    Map.of(
                        "imagebatch.io/test", "true",
                        "pod-security.kubernetes.io/enforce", "restricted"))
                .endMetadata()
                .build())
        .create();
    await("ServiceAccount default in " + name)
        .atMost(Duration.ofSeconds(60))
        .until(() -> client.serviceAccounts().inNamespace(name).withName("default").get() != null);
    return new TestNamespace(name);
  }

  /** Deletes the namespace and the PersistentVolumes a test labelled with its name. */
  public void deleteNamespace(TestNamespace namespace) {
    client.namespaces().withName(namespace.name()).delete();
    client.persistentVolumes().withLabel("imagebatch.io/test-namespace", namespace.name()).delete();
  }

  private static ClusterEnv startOrReuse() {
    Path script = repoRoot().resolve("e2e/node/cluster");
    Path running = runningClusterEnv();
    if (running != null) {
      return ClusterEnv.read(running);
    }
    Path log = workDir().resolve("cluster-up.log");
    int exit =
        run(
            log,
            script.toString(),
            "up",
            "--owner-pid",
            Long.toString(ProcessHandle.current().pid()));
    if (exit == UNAVAILABLE) {
      throw new RealNodeUnavailableException("real node unavailable: " + lastLine(log));
    }
    if (exit != 0) {
      throw new IllegalStateException(
          "e2e/node/cluster up failed (exit "
              + exit
              + "); its output is in "
              + log
              + ":\n"
              + tail(log));
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> run(workDir().resolve("cluster-down.log"), script.toString(), "down"),
                "real-node-down"));
    return ClusterEnv.read(clusterEnvFile());
  }

  /** The cluster.env of a cluster that KUBECONFIG points at and that answers, else null. */
  private static Path runningClusterEnv() {
    String kubeconfig = System.getenv("KUBECONFIG");
    Path env = clusterEnvFile();
    if (kubeconfig == null || !Files.isRegularFile(env)) {
      return null;
    }
    ClusterEnv candidate = ClusterEnv.read(env);
    if (!Path.of(kubeconfig).equals(candidate.kubeconfig())) {
      return null;
    }
    Path probe = workDir().resolve("cluster-probe.log");
    int exit =
        run(
            probe,
            candidate.kubectl().toString(),
            "--kubeconfig=" + kubeconfig,
            "get",
            "--raw",
            "/readyz");
    return exit == 0 ? env : null;
  }

  static Path clusterEnvFile() {
    String home = System.getenv().getOrDefault("IMAGEBATCH_NODE_HOME", "/var/lib/imagebatch-node");
    return Path.of(home, "cluster.env");
  }

  private static int run(Path log, String... command) {
    try {
      Files.createDirectories(log.getParent());
      Process process =
          new ProcessBuilder(List.of(command))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!process.waitFor(START_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish; see " + log);
      }
      return process.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  private static String tail(Path log) {
    List<String> lines = readLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static String lastLine(Path log) {
    List<String> lines = readLines(log);
    return lines.isEmpty()
        ? "(no output)"
        : lines.get(lines.size() - 1).replaceFirst("^imagebatch: ", "");
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path repoRoot() {
    String root = System.getProperty("imagebatch.repo.root");
    if (root == null) {
      throw new IllegalStateException(
          "system property imagebatch.repo.root is not set (the pom sets it)");
    }
    return Path.of(root);
  }

  /** Logs of up/down and kubectl's cache: the module's target/real-node (set by the pom). */
  static Path workDir() {
    return Path.of(System.getProperty("imagebatch.node.work", "target/real-node"));
  }
}
