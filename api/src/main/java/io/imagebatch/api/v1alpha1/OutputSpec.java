package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "[has(self.s3), has(self.volume)].filter(x, x).size() == 1",
    message = "exactly one of s3 or volume must be set",
    reason = "FieldValueInvalid")
@ValidationRule(
    value =
        "!has(self.pathTemplate) || ((self.pathTemplate.contains('{stem}')"
            + " || self.pathTemplate.contains('{name}'))"
            + " && self.pathTemplate.contains('{variant}')"
            + " && (self.pathTemplate.contains('{format}') || self.pathTemplate.contains('{ext}')))",
    message =
        "must contain {stem} or {name}, {variant}, and {format} or {ext}, or outputs overwrite"
            + " each other",
    fieldPath = ".pathTemplate",
    reason = "FieldValueInvalid")
@ValidationRule(
    value =
        "!has(self.pathTemplate) || !(self.pathTemplate.startsWith('/')"
            + " || self.pathTemplate == '..' || self.pathTemplate.startsWith('../')"
            + " || self.pathTemplate.endsWith('/..') || self.pathTemplate.contains('/../'))",
    message = "must be relative to the output root and must not contain '..'",
    fieldPath = ".pathTemplate",
    reason = "FieldValueInvalid")
public record OutputSpec(
    @JsonPropertyDescription("Write variants under a prefix of an S3 (or S3-compatible) bucket.")
        S3Location s3,
    @JsonPropertyDescription(
            "Write variants under a path of a PersistentVolumeClaim, or of a"
                + " local directory in local mode.")
        VolumeLocation volume,
    @JsonPropertyDescription(
            "Name of each written variant, relative to the output root."
                + " Placeholders: {dir} (the source's directory relative to the source root), {stem}"
                + " (its file name without extension), {variant}, {format} (webp, avif, jpeg, png),"
                + " {ext} (webp, avif, jpg, png). Must contain {stem}, {variant} and {format} or"
                + " {ext}.")
        @Default("'" + DEFAULT_PATH_TEMPLATE + "'")
        @Size(min = 1, max = 1024)
        String pathTemplate,
    @JsonPropertyDescription(
            "IfChanged skips a variant already written from the same source"
                + " bytes and settings; Always rewrites; Never keeps any existing variant.")
        @Default("IfChanged")
        Overwrite overwrite,
    @JsonPropertyDescription("Cache-Control header of variants written to S3.")
        @Default(DEFAULT_CACHE_CONTROL)
        String cacheControl) {

  // The CRD generator reads @Default as YAML, where a leading "{" starts a mapping: the template's
  // default is written single-quoted, and SchemaDefaults unquotes it the same way.
  public static final String DEFAULT_PATH_TEMPLATE = "{dir}/{stem}-{variant}.{format}";
  public static final String DEFAULT_CACHE_CONTROL = "public, max-age=31536000, immutable";
}
