package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = Describe.class, input = SchemaDescriptions.RESOURCES)
public record RunnerDefaults(
    @JsonPropertyDescription(
            "Runner pod resources for batches that do not set execution.resources.")
        ResourceRequirements resources) {}
