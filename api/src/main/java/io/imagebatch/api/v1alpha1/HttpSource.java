package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.urls) != has(self.urlsFrom)",
    message = "exactly one of urls or urlsFrom must be set",
    reason = "FieldValueInvalid")
public record HttpSource(
    @JsonPropertyDescription("The URLs to fetch.") List<String> urls,
    @JsonPropertyDescription("Read the URLs, one per line, from a ConfigMap key.")
        UrlsFrom urlsFrom) {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record UrlsFrom(
      @JsonPropertyDescription("The ConfigMap key holding one URL per line.")
          ConfigMapKeyRef configMapKeyRef) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ConfigMapKeyRef(
      @JsonPropertyDescription("ConfigMap name.") String name,
      @JsonPropertyDescription("Key in the ConfigMap.") String key) {}
}
