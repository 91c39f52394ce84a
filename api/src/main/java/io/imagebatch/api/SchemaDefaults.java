package io.imagebatch.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.Quantity;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;

/**
 * Applies the model's {@link Default} annotations to a JSON tree, the way the API server applies
 * the CRD schema's defaults: a missing field takes its default, then defaulting descends into it.
 *
 * <p>The annotations are the one source of defaults: the CRD generator writes them into the schema,
 * and local mode (which has no API server) applies them through this class.
 */
public final class SchemaDefaults {
  private final ObjectMapper mapper;

  public SchemaDefaults(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** Fills every missing defaulted field of {@code node}, a JSON form of {@code recordType}. */
  public void apply(ObjectNode node, Class<?> recordType) {
    if (!recordType.isRecord()) {
      return;
    }
    for (RecordComponent component : recordType.getRecordComponents()) {
      String name = component.getName();
      Default defaultValue = component.getAccessor().getAnnotation(Default.class);
      JsonNode value = node.get(name);
      if ((value == null || value.isNull()) && defaultValue != null) {
        value = parse(defaultValue.value(), component.getType());
        node.set(name, value);
      }
      descend(value, component.getGenericType());
    }
  }

  private void descend(JsonNode value, Type type) {
    if (value instanceof ObjectNode object && type instanceof Class<?> clazz && clazz.isRecord()) {
      apply(object, clazz);
    } else if (value instanceof ArrayNode array
        && type instanceof ParameterizedType list
        && list.getActualTypeArguments()[0] instanceof Class<?> element
        && element.isRecord()) {
      for (JsonNode item : array) {
        if (item instanceof ObjectNode object) {
          apply(object, element);
        }
      }
    }
  }

  private JsonNode parse(String text, Class<?> type) {
    if (type == String.class || type.isEnum() || type == Quantity.class) {
      // A YAML single-quoted scalar (as the CRD generator reads @Default): '' is one quote.
      if (text.length() >= 2 && text.startsWith("'") && text.endsWith("'")) {
        return TextNode.valueOf(text.substring(1, text.length() - 1).replace("''", "'"));
      }
      return TextNode.valueOf(text);
    }
    try {
      return mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Bad @Default(\"" + text + "\") on " + type, e);
    }
  }
}
