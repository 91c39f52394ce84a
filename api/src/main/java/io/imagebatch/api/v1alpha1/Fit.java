package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a source fits a variant's width x height box. */
public enum Fit {
  @JsonProperty("inside")
  INSIDE,
  @JsonProperty("cover")
  COVER,
  @JsonProperty("contain")
  CONTAIN,
  @JsonProperty("fill")
  FILL
}
