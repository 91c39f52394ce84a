package io.imagebatch.vips;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Real encoded images made with libvips itself, plus the bad inputs of the contract. */
public final class TestImages {
  private TestImages() {}

  /** A colourful sRGB gradient, so encoders have real work and fits are visible. */
  public static VipsImage gradient(int width, int height) {
    try (VipsImage xy = VipsImage.call("xyz", "out", Map.of("width", width, "height", height));
        VipsImage scaled =
            xy.apply(
                "linear",
                Map.of(
                    "a",
                    new double[] {255.0 / Math.max(1, width), 255.0 / Math.max(1, height)},
                    "b",
                    new double[] {0, 0}));
        VipsImage rgb = scaled.apply("bandjoin_const", Map.of("c", new double[] {128}));
        VipsImage uchar = rgb.apply("cast", Map.of("format", "uchar"))) {
      return uchar.apply("copy", Map.of("interpretation", "srgb"));
    }
  }

  public static byte[] jpeg(int width, int height) {
    try (VipsImage image = gradient(width, height)) {
      return image.save(new SaveOptions.Jpeg(90, false, false));
    }
  }

  /** A progressive JPEG: libjpeg holds every coefficient of it in memory while decoding. */
  public static byte[] progressiveJpeg(int width, int height) {
    try (VipsImage image = gradient(width, height)) {
      return image.save(new SaveOptions.Jpeg(90, true, false));
    }
  }

  public static byte[] png(int width, int height) {
    try (VipsImage image = gradient(width, height)) {
      return image.save(new SaveOptions.Png(1, false));
    }
  }

  /** A one-band greyscale JPEG. */
  public static byte[] greyJpeg(int width, int height) {
    try (VipsImage rgb = gradient(width, height);
        VipsImage grey = rgb.colourspace("b-w")) {
      return grey.save(new SaveOptions.Jpeg(90, false, false));
    }
  }

  /** A 4-band CMYK JPEG, as print workflows produce. */
  public static byte[] cmykJpeg(int width, int height) {
    try (VipsImage rgb = gradient(width, height);
        VipsImage four = rgb.apply("bandjoin_const", Map.of("c", new double[] {40}));
        VipsImage cmyk = four.apply("copy", Map.of("interpretation", "cmyk"))) {
      return cmyk.save(new SaveOptions.Jpeg(90, false, false));
    }
  }

  /** A 16-bit-per-channel RGB PNG. */
  public static byte[] png16(int width, int height) {
    try (VipsImage rgb = gradient(width, height);
        VipsImage wide =
            rgb.apply("linear", Map.of("a", new double[] {257}, "b", new double[] {0}));
        VipsImage ushort = wide.apply("cast", Map.of("format", "ushort"));
        VipsImage rgb16 = ushort.apply("copy", Map.of("interpretation", "rgb16"))) {
      return pngWithBitDepth(rgb16, 16);
    }
  }

  /** An RGBA PNG whose every pixel is fully transparent black. */
  public static byte[] transparentPng(int width, int height) {
    try (VipsImage black = VipsImage.black(width, height, 4);
        VipsImage rgba = black.apply("copy", Map.of("interpretation", "srgb"))) {
      return rgba.save(new SaveOptions.Png(1, false));
    }
  }

  /** A JPEG whose pixels are stored landscape with EXIF orientation 6 (rotate 90° clockwise). */
  public static byte[] jpegWithOrientation(int storedWidth, int storedHeight, int orientation) {
    try (VipsImage image = gradient(storedWidth, storedHeight);
        VipsImage tagged = image.withInt("orientation", orientation)) {
      return tagged.save(new SaveOptions.Jpeg(90, false, false));
    }
  }

  /** A valid JPEG cut in half. */
  public static byte[] truncatedJpeg(int width, int height) {
    byte[] whole = jpeg(width, height);
    return Arrays.copyOf(whole, whole.length / 2);
  }

  public static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /**
   * A 24-bit BMP, written by hand: libvips has no BMP loader of its own, only ImageMagick's
   * (magickload, untrusted) reads it.
   */
  public static byte[] bmp(int width, int height) {
    int rowBytes = (width * 3 + 3) / 4 * 4;
    int pixels = rowBytes * height;
    java.nio.ByteBuffer bmp =
        java.nio.ByteBuffer.allocate(54 + pixels).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    bmp.put((byte) 'B').put((byte) 'M').putInt(54 + pixels).putInt(0).putInt(54);
    bmp.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 24);
    bmp.putInt(0).putInt(pixels).putInt(2835).putInt(2835).putInt(0).putInt(0);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < rowBytes; x++) {
        bmp.put((byte) (x < width * 3 ? 200 : 0));
      }
    }
    return bmp.array();
  }

  /**
   * A JPEG whose EXIF says resolution unit {@code unit} (2 inches and 3 cm are valid): libvips
   * warns "unknown EXIF resolution unit" while reading the header of any other.
   */
  public static byte[] jpegWithExifResolutionUnit(int width, int height, int unit) {
    byte[] jpeg = jpeg(width, height);
    int entries = 3;
    int data = 8 + 2 + entries * 12 + 4;
    java.nio.ByteBuffer tiff =
        java.nio.ByteBuffer.allocate(data + 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    tiff.put(new byte[] {'I', 'I', 42, 0}).putInt(8).putShort((short) entries);
    tiff.putShort((short) 0x011A).putShort((short) 5).putInt(1).putInt(data); // XResolution
    tiff.putShort((short) 0x011B).putShort((short) 5).putInt(1).putInt(data + 8); // YResolution
    tiff.putShort((short) 0x0128)
        .putShort((short) 3)
        .putInt(1)
        .putShort((short) unit)
        .putShort((short) 0);
    tiff.putInt(0).putInt(72).putInt(1).putInt(72).putInt(1);
    byte[] payload = new byte[6 + tiff.capacity()];
    System.arraycopy(new byte[] {'E', 'x', 'i', 'f', 0, 0}, 0, payload, 0, 6);
    System.arraycopy(tiff.array(), 0, payload, 6, tiff.capacity());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2); // SOI
    out.write(0xFF);
    out.write(0xE1); // APP1
    out.write((payload.length + 2) >> 8);
    out.write((payload.length + 2) & 0xFF);
    out.write(payload, 0, payload.length);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  public static byte[] text() {
    return "this is not an image\n".getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A well-formed PNG whose header claims width x height pixels but whose data is a few bytes: a
   * decompression bomb's signature.
   */
  public static byte[] pngClaiming(int width, int height) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
      ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
      DataOutputStream header = new DataOutputStream(ihdr);
      header.writeInt(width);
      header.writeInt(height);
      header.write(new byte[] {8, 2, 0, 0, 0}); // 8-bit RGB, no interlace
      chunk(out, "IHDR", ihdr.toByteArray());
      Deflater deflater = new Deflater();
      deflater.setInput(new byte[1024]);
      deflater.finish();
      byte[] compressed = new byte[2048];
      int length = deflater.deflate(compressed);
      chunk(out, "IDAT", Arrays.copyOf(compressed, length));
      chunk(out, "IEND", new byte[0]);
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Path write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] pngWithBitDepth(VipsImage image, int bitDepth) {
    try (Operation op = Operation.create(Vips.get(), "pngsave_buffer")) {
      op.set("in", image).set("compression", 1).set("bitdepth", bitDepth);
      return op.build().bytes("buffer");
    }
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data)
      throws IOException {
    DataOutputStream stream = new DataOutputStream(out);
    stream.writeInt(data.length);
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    stream.write(typeBytes);
    stream.write(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    stream.writeInt((int) crc.getValue());
  }
}
