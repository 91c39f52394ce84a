package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Per-format encoder settings; the defaults are the contract's. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EncodingSpec(
    @JsonPropertyDescription("WebP settings.") @Default("{}") Webp webp,
    @JsonPropertyDescription("AVIF settings (AV1 in HEIF).") @Default("{}") Avif avif,
    @JsonPropertyDescription("JPEG settings.") @Default("{}") Jpeg jpeg,
    @JsonPropertyDescription("PNG settings.") @Default("{}") Png png) {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Webp(
      @JsonPropertyDescription("Quality, 1 to 100.") @Default("80") @Min(1) @Max(100)
          Integer quality,
      @JsonPropertyDescription("CPU effort, 0 (fastest) to 6 (smallest).")
          @Default("4")
          @Min(0)
          @Max(6)
          Integer effort) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Avif(
      @JsonPropertyDescription("Quality, 1 to 100.") @Default("60") @Min(1) @Max(100)
          Integer quality,
      @JsonPropertyDescription("CPU effort, 0 (fastest) to 9 (smallest).")
          @Default("4")
          @Min(0)
          @Max(9)
          Integer effort) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Jpeg(
      @JsonPropertyDescription("Quality, 1 to 100.") @Default("82") @Min(1) @Max(100)
          Integer quality,
      @JsonPropertyDescription("Write progressive (interlaced) JPEG.") @Default("true")
          Boolean progressive) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Png(
      @JsonPropertyDescription("zlib compression level, 0 (none) to 9 (smallest).")
          @Default("6")
          @Min(0)
          @Max(9)
          Integer compression) {}
}
