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

  /**
   * Whether this build really writes the format. The operation existing is not enough for AVIF:
   * libheif may lack an AV1 encoder, so AVIF is probed with a real 8x8 encode.
   */
  boolean probe(Vips vips) {
    if (!vips.hasOperation(operation)) {
      return false;
    }
    if (this != AVIF) {
      return true;
    }
    try (VipsImage tiny = VipsImage.black(vips, 8, 8, 3)) {
      if (encodesAvif(tiny)) {
        return true;
      }
      if (!vips.avifTuneSsim()) {
        return false;
      }
      // Perhaps only the tune parameter was refused (an AV1 encoder other than aom).
      vips.avifTuneSsim(false);
      return encodesAvif(tiny);
    }
  }

  private static boolean encodesAvif(VipsImage image) {
    try {
      return image.save(new SaveOptions.Avif(50, 0, true)).length > 0;
    } catch (VipsException e) {
      return false;
    }
  }
}
