package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.blue) || has(self.green)",
    message = "at least one of blue or green must name an image",
    reason = "FieldValueRequired")
@ValidationRule(
    value = "self.active == 'blue' ? has(self.blue) : has(self.green)",
    message = "spec.active names a slot with no image",
    fieldPath = ".active",
    reason = "FieldValueInvalid")
@ValidationRule(
    value =
        "has(self.promotion) && ((has(self.promotion.strategy)"
            + " && self.promotion.strategy == 'Manual') || has(self.promotion.verification))",
    message =
        "the Auto strategy promotes only what passed verification: set"
            + " promotion.verification, or set promotion.strategy: Manual",
    fieldPath = ".promotion",
    reason = "FieldValueRequired")
public record ImageRunnerSpec(
    @JsonPropertyDescription("The blue slot's runner image.") RunnerSlot blue,
    @JsonPropertyDescription("The green slot's runner image.") RunnerSlot green,
    @JsonPropertyDescription(
            "Manual strategy: the colour new batches use. Auto strategy: the colour live when"
                + " the ImageRunner is created; later switches follow verification and are"
                + " recorded in status.activeColor.")
        @Default("blue")
        RunnerColor active,
    @JsonPropertyDescription(
            "How a new image in a slot becomes the one batches use. Required: Auto needs a"
                + " verification, Manual says so.")
        PromotionSpec promotion,
    @JsonPropertyDescription("Applied to batches that use this runner unless they set their own.")
        RunnerDefaults defaults) {

  /** The slot of a colour, or null when it names no image. */
  public RunnerSlot slot(RunnerColor color) {
    return color == RunnerColor.BLUE ? blue : green;
  }

  /** The image of a colour's slot, or null. */
  public String image(RunnerColor color) {
    RunnerSlot slot = slot(color);
    return slot == null ? null : slot.image();
  }

  public RunnerColor activeOrDefault() {
    return active == null ? RunnerColor.BLUE : active;
  }

  public PromotionSpec promotionOrDefault() {
    return promotion == null ? new PromotionSpec(null, null) : promotion;
  }
}
