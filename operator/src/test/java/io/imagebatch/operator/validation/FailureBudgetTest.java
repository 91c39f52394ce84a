package io.imagebatch.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import org.junit.jupiter.api.Test;

class FailureBudgetTest {

  @Test
  void anIntegerIsACount() {
    assertThat(FailureBudget.allowed(new IntOrString(5), 2000)).isEqualTo(5);
    assertThat(FailureBudget.exceeded(new IntOrString(5), 6, 2000)).isTrue();
    assertThat(FailureBudget.exceeded(new IntOrString(5), 5, 2000)).isFalse();
  }

  @Test
  void aPercentageIsOfTheTotalRoundedDown() {
    assertThat(FailureBudget.allowed(new IntOrString("1%"), 2000)).isEqualTo(20);
    assertThat(FailureBudget.allowed(new IntOrString("1%"), 199)).isEqualTo(1);
    assertThat(FailureBudget.allowed(new IntOrString("100%"), 7)).isEqualTo(7);
  }

  @Test
  void absentMeansNoFailures() {
    assertThat(FailureBudget.allowed(null, 100)).isZero();
    assertThat(FailureBudget.exceeded(null, 1, 100)).isTrue();
  }
}
