package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
// The CRD is only read by an API server, i.e. in a cluster, where a volume is always a claim.
@ValidationRule(
    value = "has(self.claimName) && self.claimName != ''",
    message = "claimName is required in a cluster: the PersistentVolumeClaim to mount",
    fieldPath = ".claimName",
    reason = "FieldValueRequired")
public record VolumeLocation(
    @JsonPropertyDescription(
            "PersistentVolumeClaim in this namespace. Absent in local mode,"
                + " where path is a local directory relative to the YAML file.")
        String claimName,
    @JsonPropertyDescription("Directory inside the volume (or local directory).") @Default("''")
        String path) {}
