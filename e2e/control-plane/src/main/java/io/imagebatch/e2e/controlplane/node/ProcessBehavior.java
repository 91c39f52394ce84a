package io.imagebatch.e2e.controlplane.node;

import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Process mode: runs a pod's first container as a local process and reports its real exit code and
 * the real content of its termination-message file, like a kubelet would.
 *
 * <p>The process inherits the test JVM's environment (PATH, JAVA_HOME) with the pod's env on top;
 * paths are mapped as {@link PodSandbox} describes; output goes to {@code container.log} in the
 * pod's scratch dir. Init containers and sidecars are not run.
 */
final class ProcessBehavior implements PodBehavior {

  /** The kubelet's limit on a termination message. */
  private static final int MESSAGE_LIMIT = 4096;

  /** The kubelet's limits when falling back to the log: 80 lines, 2048 bytes. */
  private static final int FALLBACK_LINES = 80;

  private static final int FALLBACK_BYTES = 2048;

  private final CommandMapper mapper;

  ProcessBehavior(CommandMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public Optional<Outcome> onRunning(RunningPod running) throws Exception {
    Container container = running.pod().getSpec().getContainers().getFirst();
    PodSandbox sandbox = PodSandbox.prepare(running, container);
    Map<String, String> env = EnvResolver.resolve(running, container);
    env.replaceAll((name, value) -> sandbox.rewrite(value));
    List<String> command = localize(container.getCommand(), env, sandbox);
    List<String> args = localize(container.getArgs(), env, sandbox);

    ProcessBuilder builder =
        new ProcessBuilder(mapper.commandLine(container, command, args))
            .directory(sandbox.workDir().toFile())
            .redirectErrorStream(true)
            .redirectOutput(sandbox.log().toFile());
    builder.environment().putAll(env);
    builder.environment().put(PodSandbox.PATH_MAP_ENV, sandbox.pathMap());
    builder.environment().put("HOSTNAME", running.name());
    Process process = builder.start();
    int exitCode;
    try {
      exitCode = process.waitFor();
    } catch (InterruptedException e) {
      // The pod was deleted: kill the "container" and its children, as the kubelet would.
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw e;
    }
    String message = terminationMessage(container, sandbox, exitCode);
    return Optional.of(
        exitCode == 0 ? Outcome.succeeded(message) : new Outcome(exitCode, "Error", message));
  }

  private static List<String> localize(
      List<String> values, Map<String, String> env, PodSandbox sandbox) {
    return values == null
        ? List.of()
        : values.stream().map(v -> sandbox.rewrite(EnvResolver.expand(v, env))).toList();
  }

  private static String terminationMessage(Container container, PodSandbox sandbox, int exitCode)
      throws IOException {
    String message = read(sandbox.terminationMessage().toFile().toPath(), MESSAGE_LIMIT);
    boolean fallback = "FallbackToLogsOnError".equals(container.getTerminationMessagePolicy());
    if (message.isEmpty() && fallback && exitCode != 0 && Files.exists(sandbox.log())) {
      List<String> lines = Files.readAllLines(sandbox.log(), StandardCharsets.UTF_8);
      String tail =
          String.join(
              "\n", lines.subList(Math.max(0, lines.size() - FALLBACK_LINES), lines.size()));
      message =
          tail.length() > FALLBACK_BYTES ? tail.substring(tail.length() - FALLBACK_BYTES) : tail;
    }
    return Objects.requireNonNullElse(message, "");
  }

  private static String read(java.nio.file.Path file, int limit) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int length = Math.min(bytes.length, limit);
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }
}
