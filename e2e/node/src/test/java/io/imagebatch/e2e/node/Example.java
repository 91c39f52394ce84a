package io.imagebatch.e2e.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One of the repository's {@code examples/}, read as a user reads it and changed only where a user
 * must (namespace, endpoints, claims, sizes that fit one small node); every edit is named in the
 * test, so what the suite runs is the example.
 */
final class Example {
  private static final YAMLMapper YAML = new YAMLMapper();

  private final ObjectNode root;

  private Example(ObjectNode root) {
    this.root = root;
  }

  static Example load(String path) {
    try {
      return new Example(
          (ObjectNode)
              YAML.readTree(RealCluster.repoRoot().resolve("examples").resolve(path).toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String name() {
    return root.path("metadata").path("name").asText();
  }

  Example namespace(String namespace) {
    return set("metadata.namespace", namespace);
  }

  /** Sets a dotted path, e.g. {@code spec.execution.parallelism}, creating objects on the way. */
  Example set(String path, Object value) {
    String[] keys = path.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < keys.length - 1; i++) {
      node = node.with(keys[i]);
    }
    node.set(keys[keys.length - 1], YAML.valueToTree(value));
    return this;
  }

  /** Removes a dotted path's last key, e.g. {@code spec.source.http.urls}. */
  Example remove(String path) {
    int dot = path.lastIndexOf('.');
    ((ObjectNode) get(path.substring(0, dot))).remove(path.substring(dot + 1));
    return this;
  }

  JsonNode get(String path) {
    JsonNode node = root;
    for (String key : path.split("\\.")) {
      node = node.path(key);
    }
    return node;
  }

  /** Writes the YAML a user would apply, into {@code dir}. */
  Path write(Path dir) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(name() + ".yaml");
      YAML.writeValue(file.toFile(), root);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
