package io.imagebatch.runner.pipeline;

import io.imagebatch.api.v1alpha1.Fit;
import io.imagebatch.api.v1alpha1.Variant;
import io.imagebatch.vips.FailOn;
import io.imagebatch.vips.ThumbnailOptions;
import io.imagebatch.vips.ThumbnailOptions.Crop;
import io.imagebatch.vips.ThumbnailOptions.Size;

/**
 * How one variant is cut from a source of a given (upright) size: the thumbnail box, and for {@code
 * contain} the canvas to pad to.
 *
 * <p>Without {@code enlarge} no side ever grows, yet every variant is still produced: a smaller
 * source is written at its own size.
 */
public record Geometry(ThumbnailOptions thumbnail, Integer padWidth, Integer padHeight) {

  public static Geometry of(
      Variant variant,
      int sourceWidth,
      int sourceHeight,
      boolean enlarge,
      boolean autoRotate,
      String exportProfile,
      FailOn failOn) {
    Integer w = variant.width();
    Integer h = variant.height();
    Size grow = enlarge ? Size.BOTH : Size.DOWN;
    return switch (variant.fit() == null ? Fit.INSIDE : variant.fit()) {
      case INSIDE ->
          new Geometry(
              options(or(w), or(h), grow, Crop.NONE, autoRotate, exportProfile, failOn),
              null,
              null);
      case COVER ->
          new Geometry(
              options(
                  enlarge ? w : Math.min(w, sourceWidth),
                  enlarge ? h : Math.min(h, sourceHeight),
                  grow,
                  Crop.CENTRE,
                  autoRotate,
                  exportProfile,
                  failOn),
              null,
              null);
      case FILL ->
          new Geometry(
              options(
                  enlarge ? w : Math.min(w, sourceWidth),
                  enlarge ? h : Math.min(h, sourceHeight),
                  Size.FORCE,
                  Crop.NONE,
                  autoRotate,
                  exportProfile,
                  failOn),
              null,
              null);
      case CONTAIN -> {
        boolean scaled = enlarge || sourceWidth > w || sourceHeight > h;
        yield new Geometry(
            options(w, h, grow, Crop.NONE, autoRotate, exportProfile, failOn),
            scaled ? w : null,
            scaled ? h : null);
      }
    };
  }

  public boolean pads() {
    return padWidth != null;
  }

  private static int or(Integer side) {
    return side == null ? ThumbnailOptions.UNBOUNDED : side;
  }

  private static ThumbnailOptions options(
      int width,
      int height,
      Size size,
      Crop crop,
      boolean autoRotate,
      String exportProfile,
      FailOn failOn) {
    return new ThumbnailOptions(width, height, size, crop, autoRotate, exportProfile, failOn);
  }
}
