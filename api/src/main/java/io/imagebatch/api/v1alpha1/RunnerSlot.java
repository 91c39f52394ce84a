package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunnerSlot(
    @JsonPropertyDescription(
            "The runner image of this slot, e.g. registry.example.com/imagebatch-runner:1.5.0."
                + " A digest (@sha256:...) pins it exactly.")
        @Required
        @Pattern("^[^\\s]+$")
        String image) {}
