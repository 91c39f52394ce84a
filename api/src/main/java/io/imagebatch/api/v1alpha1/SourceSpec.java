package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "[has(self.s3), has(self.http), has(self.volume)].filter(x, x).size() == 1",
    message = "exactly one of s3, http or volume must be set",
    reason = "FieldValueInvalid")
public record SourceSpec(
    @JsonPropertyDescription("Read the objects under a prefix of an S3 (or S3-compatible) bucket.")
        S3Location s3,
    @JsonPropertyDescription("Read a list of HTTP(S) URLs.") HttpSource http,
    @JsonPropertyDescription(
            "Read files under a path of a PersistentVolumeClaim, or of a local"
                + " directory in local mode.")
        VolumeLocation volume,
    @JsonPropertyDescription(
            "Globs (relative to the source root) a source must match to be"
                + " processed. `**/` matches any number of directories, including none; matching"
                + " ignores case.")
        @Default(
            "[\"**/*.jpg\", \"**/*.jpeg\", \"**/*.png\", \"**/*.webp\", \"**/*.tif*\","
                + " \"**/*.avif\", \"**/*.heic\"]")
        List<String> include,
    @JsonPropertyDescription("Globs of sources to skip even when they match include.")
        @Default("[]")
        List<String> exclude) {}
