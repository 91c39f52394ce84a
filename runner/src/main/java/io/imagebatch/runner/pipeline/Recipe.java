package io.imagebatch.runner.pipeline;

import io.imagebatch.api.v1alpha1.EncodingSpec;
import io.imagebatch.api.v1alpha1.Format;
import io.imagebatch.api.v1alpha1.ImageBatchSpec;
import io.imagebatch.api.v1alpha1.ProcessingSpec;
import io.imagebatch.api.v1alpha1.Variant;
import io.imagebatch.vips.SaveOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Everything about one output file that does not depend on the source: the variant, the format, the
 * encoder settings, and a hash of all the settings that shape the bytes. With the source's digest,
 * that hash decides whether an existing output is still current (overwrite: IfChanged).
 */
public record Recipe(Variant variant, Format format, SaveOptions save, String settingsHash) {

  /** One recipe per variant and format, in spec order. */
  public static List<List<Recipe>> of(ImageBatchSpec spec) {
    return spec.variants().stream()
        .map(
            v ->
                v.formats().stream()
                    .map(f -> of(v, f, spec.encoding(), spec.processing()))
                    .toList())
        .toList();
  }

  static Recipe of(
      Variant variant, Format format, EncodingSpec encoding, ProcessingSpec processing) {
    boolean strip = processing.stripMetadata();
    SaveOptions save =
        switch (format) {
          case WEBP ->
              new SaveOptions.Webp(encoding.webp().quality(), encoding.webp().effort(), strip);
          case AVIF ->
              new SaveOptions.Avif(encoding.avif().quality(), encoding.avif().effort(), strip);
          case JPEG ->
              new SaveOptions.Jpeg(encoding.jpeg().quality(), encoding.jpeg().progressive(), strip);
          case PNG -> new SaveOptions.Png(encoding.png().compression(), strip);
        };
    return new Recipe(
        variant, format, save, sha256(settingsV1(variant, save, processing)).substring(0, 16));
  }

  /**
   * Version 1 of the text the settings hash is taken from, spelled out field by field, so renaming
   * a Java field or record never changes a fingerprint (which would reprocess every image). It is
   * the text the first runner took from records' toString(), so outputs it wrote stay current. A
   * new setting that shapes the bytes needs a new version ("v2|..."), and a one-time reprocess.
   */
  static String settingsV1(Variant variant, SaveOptions save, ProcessingSpec processing) {
    String encoder =
        switch (save) {
          case SaveOptions.Webp w ->
              "Webp[quality="
                  + w.quality()
                  + ", effort="
                  + w.effort()
                  + ", strip="
                  + w.strip()
                  + "]";
          case SaveOptions.Avif a ->
              "Avif[quality="
                  + a.quality()
                  + ", effort="
                  + a.effort()
                  + ", strip="
                  + a.strip()
                  + "]";
          case SaveOptions.Jpeg j ->
              "Jpeg[quality="
                  + j.quality()
                  + ", progressive="
                  + j.progressive()
                  + ", strip="
                  + j.strip()
                  + "]";
          case SaveOptions.Png p ->
              "Png[compression=" + p.compression() + ", strip=" + p.strip() + "]";
        };
    String fit = variant.fit() == null ? "null" : variant.fit().name();
    return String.join(
        "|",
        "v1",
        String.valueOf(variant.width()),
        String.valueOf(variant.height()),
        fit,
        encoder,
        "ProcessingSpec[autoRotate="
            + processing.autoRotate()
            + ", stripMetadata="
            + processing.stripMetadata()
            + ", enlarge="
            + processing.enlarge()
            + "]");
  }

  /** The fingerprint stored with an output written from these source bytes. */
  public String fingerprint(String sourceSha256) {
    return "sha256=" + sourceSha256 + ";settings=" + settingsHash;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
