package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.variants.all(v, self.variants.filter(w, w.name == v.name).size() == 1)",
    message = "variant names must be unique",
    fieldPath = ".variants",
    reason = "FieldValueInvalid")
public record ImageBatchSpec(
    @JsonPropertyDescription(
            "Name of the ImageRunner in this namespace that supplies the runner image and"
                + " default resources; absent means \"default\". When the ImageRunner"
                + " \"default\" does not exist, the operator's default image is used. Any other"
                + " ImageRunner named here that does not exist stalls the batch (Stalled,"
                + " reason ImageRunnerNotFound) until it is created.")
        @Default("default")
        String runner,
    @JsonPropertyDescription(
            "Where the source images are read from: exactly one of s3, http or"
                + " volume, plus include/exclude globs.")
        @Required
        SourceSpec source,
    @JsonPropertyDescription(
            "The variants every source image becomes: each a size, a fit mode"
                + " and one or more formats.")
        @Required
        @Size(min = 1, max = 64)
        List<Variant> variants,
    @JsonPropertyDescription("Per-format encoder settings. Every field is optional.") @Default("{}")
        EncodingSpec encoding,
    @JsonPropertyDescription("Where variants are written: exactly one of s3 or volume.") @Required
        OutputSpec output,
    @JsonPropertyDescription("How pixels are treated: rotation, metadata, enlargement.")
        @Default("{}")
        ProcessingSpec processing,
    @JsonPropertyDescription(
            "Limits for untrusted input: decompression bombs and runaway" + " downloads stop here.")
        @Default("{}")
        LimitsSpec limits,
    @JsonPropertyDescription(
            "How the batch runs in the cluster: pods, shards, resources," + " retries.")
        @Default("{}")
        ExecutionSpec execution,
    @JsonPropertyDescription("true pauses the batch (no new pods start); false resumes it.")
        @Default("false")
        Boolean suspend) {}
