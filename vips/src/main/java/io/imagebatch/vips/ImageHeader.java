package io.imagebatch.vips;

/**
 * What a loader reads before decoding any pixel: enough to refuse a decompression bomb.
 *
 * @param loader the libvips loader, e.g. {@code jpegload}
 * @param orientation EXIF orientation 1 to 8; 1 when absent
 * @param interpretation libvips' colour interpretation nickname, e.g. {@code srgb}, {@code cmyk}
 * @param interlaced progressive JPEG or interlaced PNG, which cost far more memory to decode
 */
public record ImageHeader(
    String loader,
    int width,
    int height,
    int bands,
    int pages,
    int orientation,
    String interpretation,
    boolean hasAlpha,
    boolean interlaced) {

  /** width * height * pages: the pixel count a full decode would produce. */
  public long pixels() {
    return (long) width * height * Math.max(1, pages);
  }

  /** Width and height as displayed, after the EXIF orientation is applied. */
  public boolean swapsDimensions() {
    return orientation >= 5 && orientation <= 8;
  }
}
