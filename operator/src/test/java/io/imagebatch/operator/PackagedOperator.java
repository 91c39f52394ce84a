package io.imagebatch.operator;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged operator (target/quarkus-app/quarkus-run.jar, prod profile) as a process against the
 * control plane, watching one namespace, as the chart's ServiceAccount ({@link
 * ChartServiceAccount}: its kubeconfig holds only that account's token); its output goes to a
 * temporary log file. {@link #close()} stops it (gracefully, forcibly after 20 s), prints its log
 * and deletes the file.
 */
final class PackagedOperator implements AutoCloseable {
  static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
  private static final Pattern RECONCILIATIONS =
      Pattern.compile("(?m)^imagebatch_reconciliations_total(?:\\{[^}]*\\})? (\\S+)$");

  private final String name;
  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http = HttpClient.newHttpClient();

  private PackagedOperator(String name, Process process, int port, Path log) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts the operator as {@code account} watching {@code namespace} (also its client's namespace,
   * so the Lease's), with the runner image {@code runnerImage} and the extra environment {@code
   * env}.
   */
  static PackagedOperator start(
      String name,
      ChartServiceAccount account,
      String namespace,
      String runnerImage,
      Map<String, String> env)
      throws IOException {
    return start(name, account, namespace, runnerImage, env, List.of("-Xmx256m"));
  }

  /** As above, with these JVM options instead of {@code -Xmx256m}. */
  static PackagedOperator start(
      String name,
      ChartServiceAccount account,
      String namespace,
      String runnerImage,
      Map<String, String> env,
      List<String> jvmOptions)
      throws IOException {
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-Dquarkus.http.port=" + port,
            "-Dquarkus.operator-sdk.controllers.imagebatch.namespaces=" + namespace,
            "-Dimagebatch.runner.image=" + runnerImage,
            "-jar",
            JAR.toString()));
    Path log = Files.createTempFile("imagebatch-operator-" + name + "-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("KUBECONFIG", account.kubeconfig().toString());
    builder.environment().put("KUBERNETES_NAMESPACE", namespace);
    builder.environment().putAll(env);
    return new PackagedOperator(name, builder.start(), port, log);
  }

  String name() {
    return name;
  }

  /** The HTTP port: health, /q/metrics. */
  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code imagebatch_reconciliations_total} from /q/metrics. */
  double reconciliations() throws IOException, InterruptedException {
    String metrics = get("/q/metrics").body();
    Matcher matcher = RECONCILIATIONS.matcher(metrics);
    if (!matcher.find()) {
      throw new IllegalStateException("no imagebatch_reconciliations_total in\n" + metrics);
    }
    return Double.parseDouble(matcher.group(1));
  }

  /** Whether the process ended by itself within {@code timeout}. */
  boolean exitsWithin(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  int exitCode() {
    return process.exitValue();
  }

  /** What the operator logged so far. */
  String log() throws IOException {
    return Files.readString(log);
  }

  /** A crash: SIGKILL, so nothing is released (the Lease stays held until it expires). */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    System.out.println("--- operator log (" + name + ") ---\n" + Files.readString(log));
    Files.deleteIfExists(log);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The batch's first planning Job, once an operator has created it. */
  static Job awaitPlanJob(KubernetesClient client, String namespace, String batch) {
    var job = client.batch().v1().jobs().inNamespace(namespace).withName(batch + "-plan-g1");
    await().atMost(Duration.ofMinutes(1)).until(() -> job.get() != null);
    return job.get();
  }
}
