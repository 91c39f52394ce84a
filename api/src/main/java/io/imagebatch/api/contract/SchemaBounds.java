package io.imagebatch.api.contract;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a model object against the {@link Min} / {@link Max} bounds on its record components, the
 * bounds the CRD generator writes into the schema, so runs that never meet an API server (local
 * mode, a runner given a hand-written spec) refuse exactly what the API server refuses. The
 * annotations stay the one place a bound is written.
 */
public final class SchemaBounds {
  /**
   * @param field the JSON path, e.g. spec.variants[0].width
   */
  public record Violation(String field, String message) {}

  private SchemaBounds() {}

  /** Every value of {@code model} (a record) outside its bounds, walking nested records. */
  public static List<Violation> check(Object model, String path) {
    List<Violation> violations = new ArrayList<>();
    walk(model, path, violations);
    return violations;
  }

  private static void walk(Object value, String path, List<Violation> violations) {
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), path + "[" + i + "]", violations);
      }
      return;
    }
    if (value == null || !value.getClass().isRecord()) {
      return;
    }
    for (RecordComponent component : value.getClass().getRecordComponents()) {
      Object child = read(component, value);
      String field = path + "." + component.getName();
      if (child instanceof Number number) {
        bounds(component, number, field).ifPresent(violations::add);
      } else {
        walk(child, field, violations);
      }
    }
  }

  private static Optional<Violation> bounds(
      RecordComponent component, Number number, String field) {
    Min min = component.getAccessor().getAnnotation(Min.class);
    Max max = component.getAccessor().getAnnotation(Max.class);
    BigDecimal value = new BigDecimal(number.toString());
    boolean below = min != null && outside(-compare(value, min.value()), min.inclusive());
    boolean above = max != null && outside(compare(value, max.value()), max.inclusive());
    if (!below && !above) {
      return Optional.empty();
    }
    String bound;
    if (min != null && max != null && min.inclusive() && max.inclusive()) {
      bound = "must be between " + text(min.value()) + " and " + text(max.value());
    } else {
      List<String> parts = new ArrayList<>();
      if (min != null) {
        parts.add((min.inclusive() ? "at least " : "greater than ") + text(min.value()));
      }
      if (max != null) {
        parts.add((max.inclusive() ? "at most " : "less than ") + text(max.value()));
      }
      bound = "must be " + String.join(" and ", parts);
    }
    return Optional.of(new Violation(field, bound + ", not " + number));
  }

  /** Whether a value past its bound by {@code beyond} (positive: beyond, zero: on it) is out. */
  private static boolean outside(int beyond, boolean inclusive) {
    return inclusive ? beyond > 0 : beyond >= 0;
  }

  private static int compare(BigDecimal value, double bound) {
    return value.compareTo(BigDecimal.valueOf(bound));
  }

  private static String text(double bound) {
    return BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
  }

  private static Object read(RecordComponent component, Object record) {
    try {
      return component.getAccessor().invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + component, e);
    }
  }
}
