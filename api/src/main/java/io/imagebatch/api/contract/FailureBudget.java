package io.imagebatch.api.contract;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * {@code execution.maxFailedImages}: how many failed images a batch tolerates. A non-negative
 * integer is a count; a string is a percentage of the images listed, from 0% to 100%, decimals
 * allowed ("2.5%", "0.1%"), rounded down to whole images. The runner (local mode) and the operator
 * both count with this class; the CRD's CEL rule checks the same format ({@link #CEL_RULE}).
 */
public final class FailureBudget {
  /** A percentage: 0 to 100 with optional decimals; no sign, no leading zeros, no bare dot. */
  public static final String PERCENTAGE_PATTERN = "^(100([.]0+)?|[1-9]?[0-9]([.][0-9]+)?)%$";

  /** What a valid value looks like, for messages and {@code kubectl explain}. */
  public static final String FORMAT =
      "a non-negative integer, or a percentage from 0% to 100% such as \"1%\" or \"2.5%\"";

  /** The CRD's rule on ExecutionSpec; its message is {@link #CEL_MESSAGE}. */
  public static final String CEL_RULE =
      "!has(self.maxFailedImages) || (type(self.maxFailedImages) == int"
          + " ? self.maxFailedImages >= 0"
          + " : self.maxFailedImages.matches('"
          + PERCENTAGE_PATTERN
          + "'))";

  public static final String CEL_MESSAGE = "must be " + FORMAT;

  private static final java.util.regex.Pattern PERCENTAGE =
      java.util.regex.Pattern.compile(PERCENTAGE_PATTERN);
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private final long count;
  private final BigDecimal percent;
  private final String text;

  private FailureBudget(long count, BigDecimal percent, String text) {
    this.count = count;
    this.percent = percent;
    this.text = text;
  }

  /**
   * The budget {@code value} states; absent means none (0).
   *
   * @throws IllegalArgumentException naming what was given and what is allowed
   */
  public static FailureBudget parse(IntOrString value) {
    if (value == null || (value.getIntVal() == null && value.getStrVal() == null)) {
      return new FailureBudget(0, null, "0");
    }
    if (value.getIntVal() != null) {
      int count = value.getIntVal();
      if (count < 0) {
        throw new IllegalArgumentException(CEL_MESSAGE + ", not " + count);
      }
      return new FailureBudget(count, null, Integer.toString(count));
    }
    String text = value.getStrVal();
    if (!PERCENTAGE.matcher(text).matches()) {
      throw new IllegalArgumentException(CEL_MESSAGE + ", not \"" + text + "\"");
    }
    return new FailureBudget(0, new BigDecimal(text.substring(0, text.length() - 1)), text);
  }

  /** The most failed images allowed among {@code total}. */
  public long allowed(long total) {
    if (percent == null) {
      return count;
    }
    return BigDecimal.valueOf(total)
        .multiply(percent)
        .divide(HUNDRED)
        .setScale(0, RoundingMode.FLOOR)
        .longValueExact();
  }

  public boolean exceeded(long failed, long total) {
    return failed > allowed(total);
  }

  /** As written in the spec: "5", "2.5%". */
  @Override
  public String toString() {
    return text;
  }
}
