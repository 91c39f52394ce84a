package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;

/**
 * A {@link SchemaCustomizer.Customizer} that sets descriptions in the generated schema of the class
 * it annotates, in place. Its input has the schema's shape, holding only {@code description},
 * {@code properties} and {@code items}; every property it names must exist (a typo fails the
 * build).
 *
 * <p>Not the generator's {@code MergePatchCustomizer}: that one replaces a nested {@code
 * properties} map with the patch's, dropping every field the patch does not mention.
 */
public final class Describe implements SchemaCustomizer.Customizer {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Override
  public JSONSchemaProps apply(
      JSONSchemaProps schema, String input, KubernetesSerialization serialization) {
    try {
      describe(schema, MAPPER.readTree(input), "");
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + input, e);
    }
    return schema;
  }

  private static void describe(JSONSchemaProps schema, JsonNode patch, String path) {
    for (Map.Entry<String, JsonNode> entry : patch.properties()) {
      switch (entry.getKey()) {
        case "description" -> schema.setDescription(entry.getValue().asText());
        case "items" -> {
          if (schema.getItems() == null || schema.getItems().getSchema() == null) {
            throw new IllegalArgumentException("no items at " + path);
          }
          describe(schema.getItems().getSchema(), entry.getValue(), path + "[]");
        }
        case "properties" -> {
          for (Map.Entry<String, JsonNode> property : entry.getValue().properties()) {
            JSONSchemaProps child =
                schema.getProperties() == null
                    ? null
                    : schema.getProperties().get(property.getKey());
            if (child == null) {
              throw new IllegalArgumentException("no property " + path + "." + property.getKey());
            }
            describe(child, property.getValue(), path + "." + property.getKey());
          }
        }
        default ->
            throw new IllegalArgumentException(
                "only description, properties and items, not " + entry.getKey() + " at " + path);
      }
    }
  }
}
