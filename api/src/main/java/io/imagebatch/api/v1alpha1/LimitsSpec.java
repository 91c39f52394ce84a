package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Quantity;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record LimitsSpec(
    @JsonPropertyDescription(
            "Largest width*height*pages accepted, read from the header before" + " any decoding.")
        @Default("100000000")
        @Min(1)
        Long maxInputPixels,
    @JsonPropertyDescription(
            "Largest source accepted, in bytes (a quantity such as 256Mi);"
                + " enforced while downloading.")
        @Default("256Mi")
        Quantity maxInputBytes,
    @JsonPropertyDescription(
            "libvips fail level: none, truncated, error or warning. The default,"
                + " warning, rejects corrupt data that would otherwise decode to garbage.")
        @Default("warning")
        FailOn failOn) {}
