package io.imagebatch.vips;

/** A libvips call failed; the message carries libvips' own error text. */
public class VipsException extends RuntimeException {
  /** Stands for libvips' text when a call failed and left nothing in the error buffer. */
  public static final String NO_TEXT = "failed without a libvips error message";

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
    return text.isEmpty() ? NO_TEXT : text.replace('\n', ' ');
  }
}
