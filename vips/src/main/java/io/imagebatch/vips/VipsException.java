package io.imagebatch.vips;

/** A libvips call failed; the message carries libvips' own error text. */
public class VipsException extends RuntimeException {
  private final String operation;

  public VipsException(String operation, String vipsMessage) {
    super(operation + ": " + clean(vipsMessage));
    this.operation = operation;
  }

  /** The libvips operation or function that failed, e.g. {@code thumbnail}. */
  public String operation() {
    return operation;
  }

  private static String clean(String message) {
    String text = message == null ? "" : message.strip();
    return text.isEmpty() ? "failed without a libvips error message" : text.replace('\n', ' ');
  }
}
