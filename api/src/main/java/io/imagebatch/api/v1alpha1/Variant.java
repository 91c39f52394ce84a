package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** One output size; written once per format. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.width) || has(self.height)",
    message = "at least one of width or height must be set",
    reason = "FieldValueRequired")
@ValidationRule(
    value = "!has(self.fit) || self.fit == 'inside' || (has(self.width) && has(self.height))",
    message = "fit cover, contain and fill need both width and height",
    fieldPath = ".fit",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "self.formats.all(f, self.formats.filter(g, g == f).size() == 1)",
    message = "formats must not repeat",
    fieldPath = ".formats",
    reason = "FieldValueInvalid")
public record Variant(
    @JsonPropertyDescription(
            "Appears in output names; unique within the batch; a DNS label:"
                + " lowercase letters, digits and '-'.")
        @Required
        @Pattern(NAME_PATTERN)
        @Size(max = MAX_NAME_LENGTH)
        String name,
    @JsonPropertyDescription(
            "Target width in pixels, 1 to 16384. With only width set, the height"
                + " follows the aspect ratio.")
        @Min(1)
        @Max(MAX_DIMENSION)
        Integer width,
    @JsonPropertyDescription(
            "Target height in pixels, 1 to 16384. With only height set, the width"
                + " follows the aspect ratio.")
        @Min(1)
        @Max(MAX_DIMENSION)
        Integer height,
    @JsonPropertyDescription(
            "How the image fits the width x height box: inside keeps the aspect"
                + " ratio within the box; cover fills the box and crops the centre; contain fits"
                + " inside and pads to the box; fill stretches to the box. cover, contain and fill"
                + " need both width and height.")
        @Default("inside")
        Fit fit,
    @JsonPropertyDescription("The formats written for this variant: webp, avif, jpeg, png.")
        @Required
        @Size(min = 1, max = 4)
        List<Format> formats) {

  public static final String NAME_PATTERN = "^[a-z0-9]([a-z0-9-]*[a-z0-9])?$";
  public static final int MAX_NAME_LENGTH = 63;
  public static final int MAX_DIMENSION = 16384;
}
