package io.imagebatch.runner.config;

/** One thing wrong with a spec: the field path (as in kubectl explain) and why. */
public record FieldError(String field, String reason) {
  @Override
  public String toString() {
    return field + ": " + reason;
  }
}
