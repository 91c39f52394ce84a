package io.imagebatch.api.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FailureBudgetTest {

  @Test
  void anIntegerIsACount() {
    FailureBudget budget = FailureBudget.parse(new IntOrString(5));
    assertThat(budget.allowed(2000)).isEqualTo(5);
    assertThat(budget.exceeded(5, 2000)).isFalse();
    assertThat(budget.exceeded(6, 2000)).isTrue();
    assertThat(budget).hasToString("5");
  }

  @Test
  void absentMeansNoFailures() {
    assertThat(FailureBudget.parse(null).allowed(100)).isZero();
    assertThat(FailureBudget.parse(null).exceeded(1, 100)).isTrue();
  }

  @ParameterizedTest(name = "{0} of {1} allows {2}")
  @CsvSource({
    "1%, 2000, 20",
    "1%, 199, 1",
    "1%, 50, 0",
    "100%, 7, 7",
    "0%, 1000, 0",
    "2.5%, 1000, 25",
    "2.5%, 39, 0",
    "2.5%, 40, 1",
    "0.1%, 5000, 5",
    "0.1%, 999, 0",
    "99.99%, 10000, 9999",
    "100.0%, 3, 3",
    "33.333%, 3, 0",
  })
  void aPercentageIsOfTheTotalRoundedDown(String percent, long total, long allowed) {
    FailureBudget budget = FailureBudget.parse(new IntOrString(percent));
    assertThat(budget.allowed(total)).isEqualTo(allowed);
    assertThat(budget).hasToString(percent);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {"101%", "-1%", "1.%", "100.5%", ".5%", "01%", "5", "lots", "1 %", "%", ""})
  void nonsenseIsRefusedSayingWhatIsAllowed(String text) {
    assertThatThrownBy(() -> FailureBudget.parse(new IntOrString(text)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "must be a non-negative integer, or a percentage from 0% to 100% such as \"1%\" or"
                + " \"2.5%\", not \""
                + text
                + "\"");
  }

  @Test
  void aNegativeCountIsRefused() {
    assertThatThrownBy(() -> FailureBudget.parse(new IntOrString(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "must be a non-negative integer, or a percentage from 0% to 100% such as \"1%\" or"
                + " \"2.5%\", not -1");
  }

  /** The CEL rule the API server runs embeds the same pattern, in a CEL single-quoted string. */
  @Test
  void theCelRuleUsesThePatternUnescaped() {
    assertThat(FailureBudget.CEL_RULE)
        .contains("matches('" + FailureBudget.PERCENTAGE_PATTERN + "')");
    assertThat(FailureBudget.PERCENTAGE_PATTERN).doesNotContain("\\").doesNotContain("'");
    assertThat(Pattern.compile(FailureBudget.PERCENTAGE_PATTERN).matcher("2.5%").matches())
        .isTrue();
  }
}
