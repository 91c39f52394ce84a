package io.imagebatch.runner.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The outcome for one source image: one manifest line. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageResult(
    String source,
    Status status,
    FailureReason reason,
    String message,
    Long bytes,
    String sha256,
    Integer width,
    Integer height,
    long ms,
    List<VariantResult> variants,
    List<String> warnings) {

  public ImageResult(
      String source,
      Status status,
      FailureReason reason,
      String message,
      Long bytes,
      String sha256,
      Integer width,
      Integer height,
      long ms,
      List<VariantResult> variants) {
    this(source, status, reason, message, bytes, sha256, width, height, ms, variants, null);
  }

  /** The same result with libvips' warnings about this source; none leaves the field out. */
  public ImageResult withWarnings(List<String> found) {
    return new ImageResult(
        source,
        status,
        reason,
        message,
        bytes,
        sha256,
        width,
        height,
        ms,
        variants,
        found == null || found.isEmpty() ? null : List.copyOf(found));
  }

  public enum Status {
    succeeded,
    failed,
    skipped
  }

  public static ImageResult failed(String source, Long bytes, ImageFailure failure, long ms) {
    return new ImageResult(
        source,
        Status.failed,
        failure.reason(),
        failure.getMessage(),
        bytes,
        null,
        null,
        null,
        ms,
        List.of());
  }

  /** One written (or skipped) variant file. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record VariantResult(
      String variant,
      String format,
      String path,
      Integer width,
      Integer height,
      Long bytes,
      Long ms,
      VariantStatus status) {}

  public enum VariantStatus {
    written,
    skipped
  }
}
