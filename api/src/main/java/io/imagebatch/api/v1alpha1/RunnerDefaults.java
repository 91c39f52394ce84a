package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunnerDefaults(
    @JsonPropertyDescription(
            "Runner pod resources for batches that do not set execution.resources.")
        ResourceRequirements resources) {}
