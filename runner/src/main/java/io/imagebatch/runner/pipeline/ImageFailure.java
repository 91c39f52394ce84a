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
}
