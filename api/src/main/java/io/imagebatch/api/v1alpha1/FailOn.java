package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** libvips' fail_on level: how bad a decode problem must be to reject a source. */
public enum FailOn {
  @JsonProperty("none")
  NONE,
  @JsonProperty("truncated")
  TRUNCATED,
  @JsonProperty("error")
  ERROR,
  @JsonProperty("warning")
  WARNING;

  /** The libvips nickname. */
  public String nick() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
