package io.imagebatch.vips;

/**
 * No libvips loader recognises the input. Raised from the loader lookup itself, so callers can tell
 * "not an image" from "a broken image" without reading error text: libvips keeps one process-wide
 * error buffer, and under concurrency another thread's failure may take this one's text.
 */
public final class UnknownFormatException extends VipsException {
  UnknownFormatException(String operation, String vipsMessage) {
    super(
        operation,
        vipsMessage == null || vipsMessage.isBlank() ? "not a known file format" : vipsMessage);
  }
}
