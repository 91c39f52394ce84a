package io.imagebatch.vips;

/** A saver and its settings; each record knows its libvips operation and arguments. */
public sealed interface SaveOptions
    permits SaveOptions.Webp, SaveOptions.Avif, SaveOptions.Jpeg, SaveOptions.Png {

  Saver saver();

  /** Drop EXIF, XMP, IPTC and ICC metadata. */
  boolean strip();

  void applyTo(Operation operation, SaverCapabilities capabilities);

  record Webp(int quality, int effort, boolean strip) implements SaveOptions {
    @Override
    public Saver saver() {
      return Saver.WEBP;
    }

    @Override
    public void applyTo(Operation operation, SaverCapabilities capabilities) {
      operation.set("Q", quality);
      // 8.12 renamed reduction_effort to effort.
      operation.set(operation.has("effort") ? "effort" : "reduction_effort", effort);
      Metadata.apply(operation, strip);
    }
  }

  record Avif(int quality, int effort, boolean strip) implements SaveOptions {
    @Override
    public Saver saver() {
      return Saver.AVIF;
    }

    @Override
    public void applyTo(Operation operation, SaverCapabilities capabilities) {
      operation.set("compression", "av1").set("Q", quality);
      operation.set(operation.has("effort") ? "effort" : "speed", effort);
      // 8.14 defaults to 12 bits; 8 bits is what browsers and other encoders expect.
      operation.setIfPresent("bitdepth", 8);
      // 8.18 added tune; left unset, sharp's 8.18 build (libheif 1.23, aom 3.15) encodes
      // byte for byte as with "iq", which measured 20-25% more CPU than "ssim" at the same Q and
      // effort, with larger files. With "ssim" 8.18 does the work 8.14 does. An encoder that
      // refuses the parameter fails the save; the AVIF probe finds that out once.
      if (capabilities.avifTuneSsim() && operation.has("tune")) {
        operation.set("tune", "ssim");
      }
      Metadata.apply(operation, strip);
    }
  }

  record Jpeg(int quality, boolean progressive, boolean strip) implements SaveOptions {
    @Override
    public Saver saver() {
      return Saver.JPEG;
    }

    @Override
    public void applyTo(Operation operation, SaverCapabilities capabilities) {
      operation.set("Q", quality).set("interlace", progressive).set("optimize_coding", true);
      Metadata.apply(operation, strip);
    }
  }

  record Png(int compression, boolean strip) implements SaveOptions {
    @Override
    public Saver saver() {
      return Saver.PNG;
    }

    @Override
    public void applyTo(Operation operation, SaverCapabilities capabilities) {
      operation.set("compression", compression).set("interlace", false);
      Metadata.apply(operation, strip);
    }
  }

  /** 8.15 replaced the strip flag with keep flags; support both. */
  final class Metadata {
    private Metadata() {}

    static void apply(Operation operation, boolean strip) {
      if (!strip) {
        return;
      }
      if (operation.has("keep")) {
        operation.set("keep", "none");
      } else {
        operation.set("strip", true);
      }
    }
  }
}
