package io.imagebatch.operator.validation;

import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * execution.maxFailedImages: an integer, or a whole percentage of the total images ("1%"), rounded
 * down, exactly as the runner's local mode counts it. The CRD's CEL rule rejects anything else.
 */
public final class FailureBudget {
  private FailureBudget() {}

  /** The number of failed images tolerated out of {@code total}. */
  public static long allowed(IntOrString maxFailedImages, long total) {
    if (maxFailedImages == null) {
      return 0;
    }
    if (maxFailedImages.getIntVal() != null) {
      return Math.max(0, maxFailedImages.getIntVal());
    }
    String text = maxFailedImages.getStrVal() == null ? "" : maxFailedImages.getStrVal().strip();
    if (text.isEmpty()) {
      return 0;
    }
    if (!text.endsWith("%")) {
      return Long.parseLong(text);
    }
    long percent = Long.parseLong(text.substring(0, text.length() - 1).strip());
    return total * percent / 100;
  }

  /** Whether {@code failed} images exceed the budget. */
  public static boolean exceeded(IntOrString maxFailedImages, long failed, long total) {
    return failed > allowed(maxFailedImages, total);
  }
}
