package io.imagebatch.e2e.controlplane.node;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The local stand-in for a container's filesystem in process mode. Each volume becomes a directory
 * under the pod's scratch dir (ConfigMap and Secret keys written as files, emptyDir and any other
 * kind empty), and the termination-message path becomes a file.
 *
 * <p>The process cannot see the container paths, so they are rewritten: every mount path (and the
 * termination-message path) that starts a path in the command, args or env values is replaced by
 * its local directory. The mapping is also exported as {@code IMAGEBATCH_SIM_PATH_MAP} ({@code
 * /container/path=/local/path} pairs, separated by {@code ;}, longest first) for programs that read
 * paths from elsewhere, e.g. from a file.
 */
final class PodSandbox {

  static final String PATH_MAP_ENV = "IMAGEBATCH_SIM_PATH_MAP";
  static final String DEFAULT_TERMINATION_PATH = "/dev/termination-log";

  private final Path root;
  private final Map<String, Path> mounts;
  private final Pattern mountPattern;
  private final Path terminationMessage;
  private final Path log;
  private final Path workDir;

  private PodSandbox(
      Path root, Map<String, Path> mounts, Path terminationMessage, Path log, Path workDir) {
    this.root = root;
    this.mounts = mounts;
    this.terminationMessage = terminationMessage;
    this.log = log;
    this.workDir = workDir;
    // Longest first, and only at the start of a path, so "/data" never rewrites "/database"
    // and a rewritten local path is never rewritten again (one pass).
    this.mountPattern =
        Pattern.compile(
            "(?<![\\w./-])("
                + mounts.keySet().stream().map(Pattern::quote).collect(Collectors.joining("|"))
                + ")(?=/|$|[^\\w.-])");
  }

  static PodSandbox prepare(RunningPod running, Container container) throws IOException {
    Path root = running.scratch();
    Map<String, Path> volumes = new HashMap<>();
    List<Volume> podVolumes = running.pod().getSpec().getVolumes();
    for (Volume volume : podVolumes == null ? List.<Volume>of() : podVolumes) {
      Path dir = Files.createDirectories(root.resolve("volumes").resolve(volume.getName()));
      if (volume.getConfigMap() != null) {
        writeConfigMap(running, volume, dir);
      } else if (volume.getSecret() != null) {
        writeSecret(running, volume, dir);
      }
      volumes.put(volume.getName(), dir);
    }
    Map<String, Path> mounts = new LinkedHashMap<>();
    List<VolumeMount> volumeMounts = container.getVolumeMounts();
    for (VolumeMount mount : volumeMounts == null ? List.<VolumeMount>of() : volumeMounts) {
      Path dir = volumes.get(mount.getName());
      if (dir == null) {
        continue;
      }
      String subPath = mount.getSubPath();
      mounts.put(
          stripTrailingSlash(mount.getMountPath()),
          subPath == null || subPath.isEmpty() ? dir : dir.resolve(subPath));
    }
    String terminationPath =
        container.getTerminationMessagePath() == null
            ? DEFAULT_TERMINATION_PATH
            : container.getTerminationMessagePath();
    Path terminationMessage = root.resolve("termination-log");
    Files.writeString(terminationMessage, "");
    mounts.put(terminationPath, terminationMessage);
    Map<String, Path> ordered = new LinkedHashMap<>();
    mounts.entrySet().stream()
        .sorted(
            Comparator.comparingInt((Map.Entry<String, Path> e) -> e.getKey().length()).reversed())
        .forEach(e -> ordered.put(e.getKey(), e.getValue()));
    Path workDir = Files.createDirectories(root.resolve("work"));
    PodSandbox sandbox =
        new PodSandbox(root, ordered, terminationMessage, root.resolve("container.log"), workDir);
    if (container.getWorkingDir() != null) {
      Path mapped = Path.of(sandbox.rewrite(container.getWorkingDir()));
      if (Files.isDirectory(mapped)) {
        return new PodSandbox(root, ordered, terminationMessage, sandbox.log, mapped);
      }
    }
    return sandbox;
  }

  /** Replaces container paths with their local directories. */
  String rewrite(String value) {
    Matcher matcher = mountPattern.matcher(value);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(
          out, Matcher.quoteReplacement(mounts.get(matcher.group(1)).toString()));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  String pathMap() {
    return mounts.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(";"));
  }

  Path root() {
    return root;
  }

  Path terminationMessage() {
    return terminationMessage;
  }

  Path log() {
    return log;
  }

  Path workDir() {
    return workDir;
  }

  private static void writeConfigMap(RunningPod running, Volume volume, Path dir)
      throws IOException {
    String name = volume.getConfigMap().getName();
    ConfigMap map =
        running.client().configMaps().inNamespace(running.namespace()).withName(name).get();
    if (map == null) {
      if (Boolean.TRUE.equals(volume.getConfigMap().getOptional())) {
        return;
      }
      throw new IllegalStateException("configmap " + name + " not found");
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (map.getData() != null) {
      map.getData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    if (map.getBinaryData() != null) {
      map.getBinaryData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
    }
    writeKeys(data, volume.getConfigMap().getItems(), dir);
  }

  private static void writeSecret(RunningPod running, Volume volume, Path dir) throws IOException {
    String name = volume.getSecret().getSecretName();
    Secret secret =
        running.client().secrets().inNamespace(running.namespace()).withName(name).get();
    if (secret == null) {
      if (Boolean.TRUE.equals(volume.getSecret().getOptional())) {
        return;
      }
      throw new IllegalStateException("secret " + name + " not found");
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    writeKeys(data, volume.getSecret().getItems(), dir);
  }

  private static void writeKeys(Map<String, byte[]> data, List<KeyToPath> items, Path dir)
      throws IOException {
    if (items == null || items.isEmpty()) {
      for (Map.Entry<String, byte[]> e : data.entrySet()) {
        Files.write(dir.resolve(e.getKey()), e.getValue());
      }
      return;
    }
    for (KeyToPath item : items) {
      byte[] value = data.get(item.getKey());
      if (value != null) {
        Path file = dir.resolve(item.getPath());
        Files.createDirectories(file.getParent());
        Files.write(file, value);
      }
    }
  }

  private static String stripTrailingSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
