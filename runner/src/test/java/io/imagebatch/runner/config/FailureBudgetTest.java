package io.imagebatch.runner.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import org.junit.jupiter.api.Test;

class FailureBudgetTest {
  @Test
  void absoluteCounts() {
    FailureBudget budget = FailureBudget.parse(new IntOrString(2));
    assertThat(budget.exceeded(2, 1000)).isFalse();
    assertThat(budget.exceeded(3, 1000)).isTrue();
  }

  @Test
  void percentagesOfTheTotal() {
    FailureBudget budget = FailureBudget.parse(new IntOrString("1%"));
    assertThat(budget.allowed(2000)).isEqualTo(20);
    assertThat(budget.exceeded(20, 2000)).isFalse();
    assertThat(budget.exceeded(21, 2000)).isTrue();
    assertThat(budget.exceeded(1, 50)).isTrue();
  }
}
