package io.imagebatch.e2e.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code e2e/node/cluster up} wrote to {@code cluster.env}: the kubeconfig, the binaries'
 * directories, the node's address and the product's images (as imported into the node).
 */
public record ClusterEnv(Map<String, String> values) {

  public static ClusterEnv read(Path file) {
    try {
      Map<String, String> values = new LinkedHashMap<>();
      for (String line : Files.readAllLines(file)) {
        int eq = line.indexOf('=');
        if (eq > 0 && !line.startsWith("#")) {
          values.put(line.substring(0, eq).strip(), unquote(line.substring(eq + 1).strip()));
        }
      }
      return new ClusterEnv(Map.copyOf(values));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String get(String key) {
    String value = values.get(key);
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException("cluster.env has no " + key + ": " + values.keySet());
    }
    return value;
  }

  public Path kubeconfig() {
    return Path.of(get("KUBECONFIG"));
  }

  public Path kubectl() {
    return Path.of(get("K8S_BIN"), "kubectl");
  }

  /** The machine's own address: where the API server listens and pods reach this machine. */
  public String nodeIp() {
    return get("NODE_IP");
  }

  /** The runner image built from Dockerfile.runner, as the node knows it. */
  public String runnerImage() {
    return get("RUNNER_IMAGE");
  }

  public String operatorImage() {
    return get("OPERATOR_IMAGE");
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1)
        : value;
  }
}
