package io.imagebatch.helm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of a Flux Kustomization's {@code healthCheckExprs}, evaluated as kustomize-controller
 * (fluxcd/pkg runtime/cel, RFC 0009) does: a {@code status.observedGeneration} other than {@code
 * metadata.generation} is InProgress; then {@code inProgress}, {@code failed}, {@code current} in
 * that order, the first true one deciding; none true is InProgress. The expressions are parsed, not
 * type-checked, with optional types and the strings, sets and encoders extensions, and see the
 * object's top-level fields as variables. An expression that cannot evaluate (no {@code status}
 * yet) is Unknown here: Flux records the error and polls again.
 */
final class FluxHealthCheck {

  enum Status {
    InProgress,
    Failed,
    Current,
    Unknown
  }

  private static final CelOptions OPTIONS = CelOptions.current().build();
  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setOptions(OPTIONS)
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          // cel-java runs only type-checked expressions: the object's top-level fields declared
          // dyn check exactly as Flux's unchecked parse resolves them, at evaluation time.
          .addVar("apiVersion", SimpleType.DYN)
          .addVar("kind", SimpleType.DYN)
          .addVar("metadata", SimpleType.DYN)
          .addVar("spec", SimpleType.DYN)
          .addVar("status", SimpleType.DYN)
          .addCompilerLibraries(
              CelExtensions.optional(),
              CelExtensions.strings(),
              CelExtensions.sets(OPTIONS),
              CelExtensions.encoders())
          .addRuntimeLibraries(
              CelExtensions.optional(),
              CelExtensions.strings(),
              CelExtensions.sets(OPTIONS),
              CelExtensions.encoders())
          .build();

  private final List<Map.Entry<Status, CelRuntime.Program>> expressions = new ArrayList<>();

  /**
   * The entry as written in the Kustomization ({@code inProgress}, {@code failed}, {@code
   * current}).
   */
  FluxHealthCheck(JsonNode entry) {
    add(Status.InProgress, entry.path("inProgress"));
    add(Status.Failed, entry.path("failed"));
    if (entry.path("current").asText().isEmpty()) {
      throw new IllegalArgumentException("current is required: " + entry);
    }
    add(Status.Current, entry.path("current"));
  }

  private void add(Status status, JsonNode expression) {
    if (expression.asText().isEmpty()) {
      return;
    }
    try {
      expressions.add(
          Map.entry(status, CEL.createProgram(CEL.compile(expression.asText()).getAst())));
    } catch (Exception e) {
      throw new IllegalArgumentException("not CEL: " + expression.asText(), e);
    }
  }

  Status evaluate(JsonNode object) {
    JsonNode observed = object.path("status").path("observedGeneration");
    JsonNode generation = object.path("metadata").path("generation");
    if (observed.isNumber() && generation.isNumber() && observed.asLong() != generation.asLong()) {
      return Status.InProgress;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> variables = (Map<String, Object>) value(object);
    for (Map.Entry<Status, CelRuntime.Program> expression : expressions) {
      Object result;
      try {
        result = expression.getValue().eval(variables);
      } catch (Exception e) {
        return Status.Unknown;
      }
      if (!(result instanceof Boolean)) {
        throw new IllegalStateException("not a boolean: " + result);
      }
      if ((Boolean) result) {
        return expression.getKey();
      }
    }
    return Status.InProgress;
  }

  /** The object as CEL's JSON-like values: Long, Double, String, Boolean, List, Map; no nulls. */
  private static Object value(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().stream()
          .filter(f -> !f.getValue().isNull())
          .forEach(f -> map.put(f.getKey(), value(f.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(e -> list.add(value(e)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }
}
