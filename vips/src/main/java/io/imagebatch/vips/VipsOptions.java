package io.imagebatch.vips;

/**
 * How libvips is set up once per process.
 *
 * @param concurrency libvips worker threads per pipeline; 0 keeps libvips' own default (the number
 *     of cores, or VIPS_CONCURRENCY)
 * @param operationCacheMax operations kept in libvips' cache; 0 (the default) turns it off, which
 *     is right for batches of different images
 * @param leakCheck ask libvips to report leaked objects at exit
 * @param allowUntrustedLoaders let loaders libvips marks untrusted (ImageMagick, PDF, SVG, JPEG XL,
 *     PPM, FITS, ...: libraries not hardened against hostile input) read images; off by default
 */
public record VipsOptions(
    int concurrency, int operationCacheMax, boolean leakCheck, boolean allowUntrustedLoaders) {
  public static VipsOptions defaults() {
    return new VipsOptions(0, 0, false, false);
  }

  public VipsOptions withConcurrency(int threads) {
    return new VipsOptions(threads, operationCacheMax, leakCheck, allowUntrustedLoaders);
  }

  public VipsOptions withUntrustedLoaders(boolean allow) {
    return new VipsOptions(concurrency, operationCacheMax, leakCheck, allow);
  }
}
