package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProcessingSpec(
    @JsonPropertyDescription("Apply the EXIF orientation, so every variant is upright.")
        @Default("true")
        Boolean autoRotate,
    @JsonPropertyDescription(
            "Drop EXIF, XMP, IPTC and ICC metadata. Colour is converted to sRGB"
                + " first, so stripped images still look right.")
        @Default("true")
        Boolean stripMetadata,
    @JsonPropertyDescription(
            "Upscale sources smaller than a variant. When false (the default) a"
                + " smaller source is still written for that variant, at its own size, so every"
                + " variant name always exists.")
        @Default("false")
        Boolean enlarge) {}
