package io.imagebatch.vips;

/**
 * The loader that recognises the input is one libvips marks untrusted (not hardened against hostile
 * files: ImageMagick, PDF, SVG, ...), and untrusted loaders are blocked. Raised before the loader
 * reads anything, with a message of its own, never libvips' shared error text.
 */
public final class BlockedLoaderException extends VipsException {
  private final String loader;

  BlockedLoaderException(String loader) {
    super("load", loader + " loader blocked for untrusted input");
    this.loader = loader;
  }

  /** The blocked loader's nickname, e.g. {@code magickload}. */
  public String loader() {
    return loader;
  }
}
