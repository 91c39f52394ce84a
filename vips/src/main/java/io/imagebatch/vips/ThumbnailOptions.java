package io.imagebatch.vips;

import java.util.Locale;

/**
 * Arguments of libvips' {@code thumbnail}: shrink-on-load, then a Lanczos3 resize.
 *
 * @param width box width; use {@link #UNBOUNDED} to let the height decide
 * @param height box height; use {@link #UNBOUNDED} to let the width decide
 * @param size whether the image may grow, shrink, or both; FORCE ignores the aspect ratio
 * @param crop how to fill the whole box by cropping; NONE fits inside
 * @param autoRotate apply the EXIF orientation
 * @param exportProfile convert to this ICC profile (e.g. {@code srgb}) using the embedded one, or
 *     null to keep the colour space
 * @param importProfile the profile assumed when the image embeds none ({@code srgb}, or {@code
 *     cmyk} for CMYK); libvips 8.14 guesses wrong without it and darkens untagged images
 * @param failOn the decode strictness
 */
public record ThumbnailOptions(
    int width,
    int height,
    Size size,
    Crop crop,
    boolean autoRotate,
    String exportProfile,
    String importProfile,
    FailOn failOn) {

  /** libvips' largest coordinate: a side that never limits the fit. */
  public static final int UNBOUNDED = 10_000_000;

  public ThumbnailOptions {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "thumbnail box must be at least 1x1, not " + width + "x" + height);
    }
  }

  public enum Size {
    BOTH,
    UP,
    DOWN,
    FORCE;

    String nick() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum Crop {
    NONE,
    CENTRE,
    ATTENTION,
    ENTROPY;

    String nick() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  void applyTo(Operation operation) {
    operation.set("width", width).set("height", height).set("size", size.nick());
    operation.set("crop", crop.nick()).set("no_rotate", !autoRotate);
    if (exportProfile != null) {
      operation.set("export_profile", exportProfile);
    }
    if (importProfile != null) {
      operation.set("import_profile", importProfile);
    }
    if (operation.has("fail_on")) {
      operation.set("fail_on", failOn.nick());
    }
  }
}
