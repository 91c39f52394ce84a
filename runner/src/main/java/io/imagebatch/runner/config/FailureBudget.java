package io.imagebatch.runner.config;

import io.fabric8.kubernetes.api.model.IntOrString;

/** execution.maxFailedImages: an absolute count, or a percentage of the images listed. */
public record FailureBudget(long count, Integer percent) {

  public static FailureBudget parse(IntOrString value) {
    if (value == null) {
      return new FailureBudget(0, null);
    }
    if (value.getIntVal() != null) {
      if (value.getIntVal() < 0) {
        throw new IllegalArgumentException("must not be negative");
      }
      return new FailureBudget(value.getIntVal(), null);
    }
    String text = value.getStrVal().strip();
    if (!text.matches("\\d{1,3}%")) {
      throw new IllegalArgumentException(
          "must be an integer or a percentage such as \"1%\", not \"" + text + "\"");
    }
    int percent = Integer.parseInt(text.substring(0, text.length() - 1));
    if (percent > 100) {
      throw new IllegalArgumentException("percentage must be at most 100%, not " + text);
    }
    return new FailureBudget(0, percent);
  }

  /** The most failures allowed among {@code total} images. */
  public long allowed(long total) {
    return percent == null ? count : total * percent / 100;
  }

  public boolean exceeded(long failed, long total) {
    return failed > allowed(total);
  }

  @Override
  public String toString() {
    return percent == null ? Long.toString(count) : percent + "%";
  }
}
