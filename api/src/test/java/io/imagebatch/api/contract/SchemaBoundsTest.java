package io.imagebatch.api.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.imagebatch.api.contract.SchemaBounds.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaBoundsTest {
  record Size(@Min(1) @Max(16384) Integer width, @Min(0) Long ttl, @Max(9) Integer effort) {}

  record Exclusive(
      @Min(value = 0, inclusive = false) @Max(value = 1, inclusive = false) Double f) {}

  record Spec(List<Size> sizes, Size single, Exclusive exclusive, String name) {}

  @Test
  void reportsEveryValueOutsideItsBoundsWithItsPath() {
    Spec spec =
        new Spec(
            List.of(new Size(400, 0L, 9), new Size(0, -1L, 10)),
            new Size(16385, null, null),
            new Exclusive(1.0),
            "x");

    assertThat(SchemaBounds.check(spec, "spec"))
        .containsExactly(
            new Violation("spec.sizes[1].width", "must be between 1 and 16384, not 0"),
            new Violation("spec.sizes[1].ttl", "must be at least 0, not -1"),
            new Violation("spec.sizes[1].effort", "must be at most 9, not 10"),
            new Violation("spec.single.width", "must be between 1 and 16384, not 16385"),
            new Violation("spec.exclusive.f", "must be greater than 0 and less than 1, not 1.0"));
  }

  @Test
  void valuesOnTheirBoundsAndAbsentValuesPass() {
    assertThat(
            SchemaBounds.check(
                new Spec(
                    List.of(new Size(1, 0L, 9)),
                    new Size(16384, null, null),
                    new Exclusive(0.5),
                    null),
                "spec"))
        .isEmpty();
    assertThat(SchemaBounds.check(null, "spec")).isEmpty();
  }
}
