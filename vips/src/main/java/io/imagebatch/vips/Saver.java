package io.imagebatch.vips;

/** The output formats a libvips build may be able to write. */
public enum Saver {
  WEBP("webpsave_buffer"),
  AVIF("heifsave_buffer"),
  JPEG("jpegsave_buffer"),
  PNG("pngsave_buffer");

  private final String operation;

  Saver(String operation) {
    this.operation = operation;
  }

  String operation() {
    return operation;
  }
}
