package io.imagebatch.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl explain} helps: every property of every committed CRD's openAPIV3Schema has a
 * description, and so does the schema's root (what {@code kubectl explain ib} prints first).
 *
 * <p>Exempt, and only these:
 *
 * <ul>
 *   <li>{@code metadata}, {@code apiVersion} and {@code kind} at the root: the generator leaves
 *       them out of the schema (the API server owns and documents them), so there is nothing here
 *       to describe; should they appear, they are still exempt.
 *   <li>Everything below a property named {@code affinity}: a core/v1 Affinity passed verbatim to
 *       the runner pods. Its dozens of nested fields are Kubernetes' own ({@code kubectl explain
 *       pod.spec.affinity} documents them); the {@code affinity} field itself must be described.
 *   <li>Array items ({@code []}) and map values ({@code {}}): not properties; kubectl explain shows
 *       the description of the list or map field, which is required. Their own properties are not
 *       exempt.
 * </ul>
 */
class CrdDescriptionsTest {
  private static final Path CRDS = Path.of("..", "crds");
  private static final List<String> ROOT_EXEMPT = List.of("metadata", "apiVersion", "kind");

  private static List<Path> crds() throws IOException {
    try (Stream<Path> files = Files.list(CRDS)) {
      return files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
  }

  @Test
  void everyPropertyOfEveryCommittedCrdHasADescription() throws IOException {
    List<Path> crds = crds();
    assertThat(crds)
        .extracting(p -> p.getFileName().toString())
        .contains("imagebatches.imagebatch.io-v1.yml", "imagerunners.imagebatch.io-v1.yml");
    List<String> undescribed = new ArrayList<>();
    int described = 0;
    for (Path crd : crds) {
      JsonNode root = new YAMLMapper().readTree(crd.toFile());
      String kind = root.path("spec").path("names").path("kind").asText();
      for (JsonNode version : root.path("spec").path("versions")) {
        String prefix = kind + "/" + version.path("name").asText();
        JsonNode schema = version.path("schema").path("openAPIV3Schema");
        assertThat(schema.isObject()).as("%s has an openAPIV3Schema", prefix).isTrue();
        if (!hasDescription(schema)) {
          undescribed.add(prefix + " (root)");
        }
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
          if (!ROOT_EXEMPT.contains(property.getKey())) {
            described += walk(property.getValue(), prefix + " " + property.getKey(), undescribed);
          }
        }
      }
    }
    assertThat(undescribed).as("properties without a description").isEmpty();
    // The walk reached into the schemas (not a vacuous pass over empty files).
    assertThat(described).isGreaterThan(100);
  }

  @Test
  void theWalkNamesAnUndescribedNestedPropertyWithItsPath() throws IOException {
    JsonNode schema =
        new YAMLMapper()
            .readTree(
                """
                description: a list
                type: array
                items:
                  type: object
                  properties:
                    name: {type: string, description: named}
                    size: {type: integer}
                    affinity:
                      description: exempt below
                      properties:
                        nodeAffinity: {type: object}
                """);
    List<String> undescribed = new ArrayList<>();
    walk(schema, "X spec.variants", undescribed);
    assertThat(undescribed).containsExactly("X spec.variants[].size");
  }

  /** Adds each undescribed property below {@code path}; returns how many were described. */
  private static int walk(JsonNode schema, String path, List<String> undescribed) {
    int described = 0;
    if (!path.endsWith("[]") && !path.endsWith("{}")) {
      if (hasDescription(schema)) {
        described++;
      } else {
        undescribed.add(path);
      }
    }
    if (path.endsWith(".affinity") || path.endsWith(" affinity")) {
      return described;
    }
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      described += walk(property.getValue(), path + "." + property.getKey(), undescribed);
    }
    if (schema.path("items").isObject()) {
      described += walk(schema.path("items"), path + "[]", undescribed);
    }
    if (schema.path("additionalProperties").isObject()) {
      described += walk(schema.path("additionalProperties"), path + "{}", undescribed);
    }
    return described;
  }

  private static boolean hasDescription(JsonNode schema) {
    return !schema.path("description").asText("").isBlank();
  }
}
