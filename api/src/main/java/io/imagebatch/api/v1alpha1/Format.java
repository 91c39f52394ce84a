package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An output format, with the file extension and media type it is written with. */
public enum Format {
  @JsonProperty("webp")
  WEBP("webp", "image/webp"),
  @JsonProperty("avif")
  AVIF("avif", "image/avif"),
  @JsonProperty("jpeg")
  JPEG("jpg", "image/jpeg"),
  @JsonProperty("png")
  PNG("png", "image/png");

  private final String extension;
  private final String mediaType;

  Format(String extension, String mediaType) {
    this.extension = extension;
    this.mediaType = mediaType;
  }

  public String extension() {
    return extension;
  }

  public String mediaType() {
    return mediaType;
  }

  /** The name used in YAML and in {format} of the path template. */
  public String yamlName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public boolean supportsAlpha() {
    return this != JPEG;
  }
}
