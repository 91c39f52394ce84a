package io.imagebatch.runner.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.imagebatch.api.SchemaDefaults;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Reads an ImageBatch YAML file the way the API server would: defaults, then strict types. */
public final class BatchFile {
  private static final String API_VERSION = ImageBatch.GROUP + "/" + ImageBatch.VERSION;
  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private BatchFile() {}

  public static LoadedBatch load(Path file, SpecValidator.Mode mode) {
    String source = file.toString();
    JsonNode root = parse(file);
    require(root.path("apiVersion").asText(), API_VERSION, "apiVersion", source);
    require(root.path("kind").asText(), "ImageBatch", "kind", source);
    String name = root.path("metadata").path("name").asText("");
    if (name.isBlank()) {
      throw new InvalidSpecException(source, new FieldError("metadata.name", "required"));
    }
    if (!(root.get("spec") instanceof ObjectNode specNode)) {
      throw new InvalidSpecException(source, new FieldError("spec", "required"));
    }
    new SchemaDefaults(YAML).apply(specNode, ImageBatchSpec.class);
    ImageBatchSpec spec = bind(specNode, source);
    JsonNode generation = root.path("metadata").path("generation");
    LoadedBatch batch =
        new LoadedBatch(
            name,
            generation.isIntegralNumber() ? generation.asText() : "local",
            spec,
            file.toAbsolutePath().getParent());
    List<FieldError> errors = new SpecValidator(mode).validate(batch);
    if (!errors.isEmpty()) {
      throw new InvalidSpecException(source, errors);
    }
    return batch;
  }

  private static JsonNode parse(Path file) {
    try {
      JsonNode root = YAML.readTree(Files.readString(file));
      if (root == null || !root.isObject()) {
        throw new InvalidSpecException(
            file.toString(), new FieldError("(document)", "expected a YAML mapping"));
      }
      return root;
    } catch (NoSuchFileException e) {
      throw new InvalidSpecException(file.toString(), new FieldError("(file)", "does not exist"));
    } catch (JsonProcessingException e) {
      throw new InvalidSpecException(
          file.toString(),
          new FieldError("(document)", "not valid YAML: " + e.getOriginalMessage()));
    } catch (IOException e) {
      throw new InvalidSpecException(
          file.toString(), new FieldError("(file)", "cannot be read: " + e.getMessage()));
    }
  }

  private static ImageBatchSpec bind(ObjectNode spec, String source) {
    try {
      return YAML.treeToValue(spec, ImageBatchSpec.class);
    } catch (JsonMappingException e) {
      throw new InvalidSpecException(source, new FieldError(path(e), reason(e)));
    } catch (JsonProcessingException e) {
      throw new InvalidSpecException(source, new FieldError("spec", e.getOriginalMessage()));
    }
  }

  /** spec.variants[0].width, from Jackson's reference chain. */
  static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder("spec");
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append('.').append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String reason(JsonMappingException e) {
    if (e instanceof UnrecognizedPropertyException) {
      return "unknown field";
    }
    if (e instanceof InvalidFormatException invalid) {
      String expected =
          invalid.getTargetType().isEnum()
              ? "one of " + enumValues(invalid.getTargetType())
              : "a value of type " + invalid.getTargetType().getSimpleName();
      return "invalid value \"" + invalid.getValue() + "\": expected " + expected;
    }
    if (e instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null) {
      return "wrong type: expected " + describe(mismatched.getTargetType());
    }
    return e.getOriginalMessage();
  }

  private static String describe(Class<?> type) {
    if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
      return "an integer";
    }
    if (type == Boolean.class) {
      return "true or false";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (type == String.class) {
      return "a string";
    }
    return "an object";
  }

  private static String enumValues(Class<?> type) {
    return java.util.Arrays.stream(type.getEnumConstants())
        .map(
            c -> {
              try {
                var field = type.getField(((Enum<?>) c).name());
                var property =
                    field.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
                return property != null ? property.value() : ((Enum<?>) c).name();
              } catch (NoSuchFieldException ex) {
                return c.toString();
              }
            })
        .toList()
        .toString();
  }

  private static void require(String actual, String expected, String field, String source) {
    if (!expected.equals(actual)) {
      throw new InvalidSpecException(
          source,
          new FieldError(
              field, "must be " + expected + (actual.isEmpty() ? "" : ", not " + actual)));
    }
  }
}
