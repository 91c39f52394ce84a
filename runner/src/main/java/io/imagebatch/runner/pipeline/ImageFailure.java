package io.imagebatch.runner.pipeline;

/** One source image cannot be processed; the batch goes on. */
public class ImageFailure extends Exception {
  private final FailureReason reason;

  public ImageFailure(FailureReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ImageFailure(FailureReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public FailureReason reason() {
    return reason;
  }

  /** An exception no step expected, kept as this one source's failure. */
  public static ImageFailure unexpected(RuntimeException e) {
    return new ImageFailure(
        FailureReason.InternalError,
        "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage(),
        e);
  }
}
