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

  /** The decode settings shared by every variant of a source. */
  public record Decode(
      boolean autoRotate, String exportProfile, String importProfile, FailOn failOn) {
    ThumbnailOptions box(int width, int height, Size size, Crop crop) {
      return new ThumbnailOptions(
          width, height, size, crop, autoRotate, exportProfile, importProfile, failOn);
    }
  }

  public static Geometry of(
      Variant variant, int sourceWidth, int sourceHeight, boolean enlarge, Decode decode) {
    Integer w = variant.width();
    Integer h = variant.height();
    Size grow = enlarge ? Size.BOTH : Size.DOWN;
    return switch (variant.fit() == null ? Fit.INSIDE : variant.fit()) {
      case INSIDE -> new Geometry(decode.box(or(w), or(h), grow, Crop.NONE), null, null);
      case COVER ->
          new Geometry(
              decode.box(
                  cap(w, sourceWidth, enlarge), cap(h, sourceHeight, enlarge), grow, Crop.CENTRE),
              null,
              null);
      case FILL ->
          new Geometry(
              decode.box(
                  cap(w, sourceWidth, enlarge),
                  cap(h, sourceHeight, enlarge),
                  Size.FORCE,
                  Crop.NONE),
              null,
              null);
      case CONTAIN -> {
        boolean scaled = enlarge || sourceWidth > w || sourceHeight > h;
        yield new Geometry(decode.box(w, h, grow, Crop.NONE), scaled ? w : null, scaled ? h : null);
      }
    };
  }

  public boolean pads() {
    return padWidth != null;
  }

  private static int or(Integer side) {
    return side == null ? ThumbnailOptions.UNBOUNDED : side;
  }

  private static int cap(int side, int sourceSide, boolean enlarge) {
    return enlarge ? side : Math.min(side, sourceSide);
  }
}
