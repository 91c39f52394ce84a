package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record VolumeLocation(
    @JsonPropertyDescription(
            "PersistentVolumeClaim in this namespace. Absent in local mode,"
                + " where path is a local directory relative to the YAML file.")
        String claimName,
    @JsonPropertyDescription("Directory inside the volume (or local directory).") @Default("")
        String path) {}
