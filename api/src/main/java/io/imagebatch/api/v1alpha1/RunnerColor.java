package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One of an ImageRunner's two slots. */
public enum RunnerColor {
  @JsonProperty("blue")
  BLUE,
  @JsonProperty("green")
  GREEN;

  public RunnerColor other() {
    return this == BLUE ? GREEN : BLUE;
  }

  /** As written in YAML and in names: blue or green. */
  public String value() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
