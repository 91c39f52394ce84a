package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record PromotionSpec(
    @JsonPropertyDescription(
            "Auto: a new image in the idle slot is verified, then promoted when it passes."
                + " Manual: spec.active decides; the candidate is still verified so the result"
                + " is visible.")
        @Default("Auto")
        Strategy strategy,
    @JsonPropertyDescription("A small ImageBatch run with the candidate image before promotion.")
        VerificationSpec verification) {

  public enum Strategy {
    Auto,
    Manual
  }

  public Strategy strategyOrDefault() {
    return strategy == null ? Strategy.Auto : strategy;
  }
}
