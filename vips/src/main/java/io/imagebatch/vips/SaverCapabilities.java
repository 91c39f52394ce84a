package io.imagebatch.vips;

import java.util.EnumSet;
import java.util.Set;

/**
 * What this libvips build can write, found once when libvips starts, then never changed.
 *
 * @param formats the output formats this build really writes
 * @param avifTuneSsim whether AVIF saves may ask the AV1 encoder to tune for SSIM: they do where
 *     heifsave has {@code tune} (libvips 8.18+), unless this build's encoder refused it
 */
public record SaverCapabilities(Set<Saver> formats, boolean avifTuneSsim) {
  public SaverCapabilities {
    formats = Set.copyOf(formats);
  }

  /**
   * Probes the build. An operation existing is not enough for AVIF: libheif may lack an AV1
   * encoder, and an encoder other than aom may refuse {@code tune}; so AVIF is probed with a real
   * 8x8 encode, with tune first, then without.
   */
  static SaverCapabilities probe(Vips vips) {
    Set<Saver> found = EnumSet.noneOf(Saver.class);
    boolean tuneSsim = false;
    for (Saver saver : Saver.values()) {
      if (!vips.hasOperation(saver.operation())) {
        continue;
      }
      if (saver != Saver.AVIF) {
        found.add(saver);
      } else if (encodesAvif(vips, true)) {
        found.add(saver);
        tuneSsim = true;
      } else if (encodesAvif(vips, false)) {
        found.add(saver);
      }
    }
    // A failed probe leaves text in the error buffer; it must not leak into a later error.
    vips.clearErrors();
    return new SaverCapabilities(found, tuneSsim);
  }

  private static boolean encodesAvif(Vips vips, boolean tuneSsim) {
    try (VipsImage tiny = VipsImage.black(vips, 8, 8, 3)) {
      return tiny.save(new SaveOptions.Avif(50, 0, true), new SaverCapabilities(Set.of(), tuneSsim))
              .length
          > 0;
    } catch (VipsException e) {
      return false;
    }
  }
}
