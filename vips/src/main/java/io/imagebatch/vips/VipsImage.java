package io.imagebatch.vips;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A libvips image. Close it (try-with-resources): the reference is dropped at once, not at some
 * later GC. A forgotten image is still released by a {@link Cleaner}, and a closed one refuses to
 * be used instead of touching freed memory.
 *
 * <p>Images are immutable; every operation returns a new image the caller must close.
 */
public final class VipsImage implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();

  private final Vips vips;
  private final MemorySegment pointer;
  private final Cleaner.Cleanable cleanable;
  private volatile boolean closed;

  VipsImage(Vips vips, MemorySegment pointer) {
    this.vips = vips;
    this.pointer = pointer;
    this.cleanable = CLEANER.register(this, new Unref(vips, pointer));
  }

  /** Opens a file lazily: the header is read, pixels only when an operation needs them. */
  public static VipsImage open(Path file, FailOn failOn) {
    Vips vips = Vips.get();
    String loader = loaderFor(vips, file);
    try (Operation load = Operation.create(vips, loader)) {
      load.requireNotBlocked();
      load.set("filename", file.toString()).set("access", "sequential");
      setFailOn(load, failOn);
      return load.build().image("out");
    }
  }

  /** Opens encoded bytes lazily; libvips keeps its own copy of them. */
  public static VipsImage open(byte[] data, FailOn failOn) {
    Vips vips = Vips.get();
    String loader = loaderFor(vips, data);
    try (Blob blob = Blob.copyOf(vips, data);
        Operation load = Operation.create(vips, loader)) {
      load.requireNotBlocked();
      load.set("buffer", blob).set("access", "sequential");
      setFailOn(load, failOn);
      return load.build().image("out");
    }
  }

  /** Shrink-on-load thumbnail of a file: the fast and memory-light way to resize. */
  public static VipsImage thumbnail(Path file, ThumbnailOptions options) {
    Vips vips = Vips.get();
    try (Operation thumbnail = Operation.create(vips, "thumbnail")) {
      thumbnail.set("filename", file.toString());
      options.applyTo(thumbnail);
      return thumbnail.build().image("out");
    }
  }

  /** Shrink-on-load thumbnail of encoded bytes. */
  public static VipsImage thumbnail(byte[] data, ThumbnailOptions options) {
    Vips vips = Vips.get();
    try (Blob blob = Blob.copyOf(vips, data);
        Operation thumbnail = Operation.create(vips, "thumbnail_buffer")) {
      thumbnail.set("buffer", blob);
      options.applyTo(thumbnail);
      // libvips 8.14's thumbnail_buffer does not pass fail_on to the loader; its option string
      // does reach it.
      thumbnail.setIfPresent("option_string", "fail_on=" + options.failOn().nick());
      return thumbnail.build().image("out");
    }
  }

  /**
   * Resizes an image already in memory (no shrink-on-load): for deriving smaller variants from one
   * decoded base instead of decoding the source again.
   */
  public VipsImage thumbnailImage(ThumbnailOptions options) {
    try (Operation thumbnail = Operation.create(vips, "thumbnail_image")) {
      thumbnail.set("in", this);
      options.applyTo(thumbnail);
      return thumbnail.build().image("out");
    }
  }

  /** A black image, e.g. to build test images. */
  public static VipsImage black(int width, int height, int bands) {
    return black(Vips.get(), width, height, bands);
  }

  static VipsImage black(Vips vips, int width, int height, int bands) {
    return call(vips, "black", "out", Map.of("width", width, "height", height, "bands", bands));
  }

  /**
   * Runs any libvips operation with one image output, e.g. {@code call("linear", "out",
   * Map.of("in", image, "a", new double[] {2}, "b", new double[] {0}))}. Values: Integer, Long,
   * Double, Boolean, String (also enum nicknames), VipsImage, double[].
   */
  public static VipsImage call(String operation, String output, Map<String, Object> arguments) {
    return call(Vips.get(), operation, output, arguments);
  }

  private static VipsImage call(
      Vips vips, String operation, String output, Map<String, Object> arguments) {
    try (Operation op = Operation.create(vips, operation)) {
      arguments.forEach(op::set);
      return op.build().image(output);
    }
  }

  /** The same pixels, with its own copy of the header, for setting metadata. */
  public VipsImage withInt(String field, int value) {
    VipsImage copy = apply("copy", Map.of());
    vips.c.imageSetInt(copy.pointer(), field, value);
    return copy;
  }

  private static final List<String> METADATA =
      List.of("icc-profile-data", "exif-data", "xmp-data", "iptc-data", "orientation");

  /**
   * The same pixels without ICC, EXIF, XMP and IPTC metadata. Savers' own strip options differ
   * between libvips versions (8.14's webpsave keeps the ICC profile), so the fields go here.
   */
  public VipsImage withoutMetadata() {
    VipsImage copy = apply("copy", Map.of());
    for (String field : METADATA) {
      vips.c.imageRemove(copy.pointer(), field);
    }
    return copy;
  }

  /** Runs an operation whose input image argument is {@code in} and whose output is {@code out}. */
  public VipsImage apply(String operation, Map<String, Object> arguments) {
    try (Operation op = Operation.create(vips, operation)) {
      op.set("in", this);
      arguments.forEach(op::set);
      return op.build().image("out");
    }
  }

  /** Converts to another interpretation, e.g. {@code srgb} or {@code b-w}. */
  public VipsImage colourspace(String interpretation) {
    return apply("colourspace", Map.of("space", interpretation));
  }

  /** Removes alpha by blending onto a background colour. */
  public VipsImage flatten(double[] background) {
    return apply("flatten", Map.of("background", background));
  }

  /** Places the image at the centre of a width x height canvas of the background colour. */
  public VipsImage padCentre(int width, int height, double[] background) {
    try (Operation op = Operation.create(vips, "gravity")) {
      op.set("in", this).set("direction", "centre").set("width", width).set("height", height);
      op.set("extend", "background").set("background", background);
      return op.build().image("out");
    }
  }

  /**
   * Renders the whole pipeline into memory once, so several savers can read the pixels without
   * decoding and resizing again.
   */
  public VipsImage copyMemory() {
    return new VipsImage(vips, vips.c.imageCopyMemory(pointer()));
  }

  /** Encodes with the given saver; the whole result is returned. */
  public byte[] save(SaveOptions options) {
    return save(options, vips.capabilities());
  }

  byte[] save(SaveOptions options, SaverCapabilities capabilities) {
    try (Operation op = Operation.create(vips, options.saver().operation())) {
      op.set("in", this);
      options.applyTo(op, capabilities);
      return op.build().bytes("buffer");
    }
  }

  /**
   * Encodes with any libvips buffer saver and its arguments, e.g. {@code
   * saveBuffer("tiffsave_buffer", Map.of("tile", true))}: for formats the batch API does not write
   * (test inputs).
   */
  public byte[] saveBuffer(String saverOperation, Map<String, Object> arguments) {
    try (Operation op = Operation.create(vips, saverOperation)) {
      op.set("in", this);
      arguments.forEach(op::set);
      return op.build().bytes("buffer");
    }
  }

  /** The mean of all pixels in all bands; decodes the whole image. */
  public double average() {
    try (Operation op = Operation.create(vips, "avg")) {
      return op.set("in", this).build().number("out");
    }
  }

  public int width() {
    return vips.c.imageWidth(pointer());
  }

  public int height() {
    return vips.c.imageHeight(pointer());
  }

  public int bands() {
    return vips.c.imageBands(pointer());
  }

  public boolean hasAlpha() {
    return vips.c.imageHasAlpha(pointer());
  }

  /** libvips' interpretation nickname, e.g. {@code srgb}, {@code cmyk}, {@code rgb16}. */
  public String interpretation() {
    return vips.c.enumNick(vips.c.interpretationType(), vips.c.imageInterpretation(pointer()));
  }

  /** The header fields read before any decoding. */
  public ImageHeader header() {
    return new ImageHeader(
        stringField("vips-loader").orElse(""),
        width(),
        height(),
        bands(),
        Math.max(1, vips.c.imagePages(pointer())),
        intField("orientation").filter(o -> o >= 1 && o <= 8).orElse(1),
        interpretation(),
        hasAlpha(),
        intField("interlaced").orElse(0) != 0);
  }

  /** An integer header field, if the image has it. */
  public Optional<Integer> intField(String name) {
    return vips.c.imageHasField(pointer(), name)
        ? Optional.of(vips.c.imageGetInt(pointer(), name))
        : Optional.empty();
  }

  /** Any header field as text, if the image has it. */
  public Optional<String> stringField(String name) {
    return vips.c.imageHasField(pointer(), name)
        ? Optional.of(vips.c.imageGetAsString(pointer(), name))
        : Optional.empty();
  }

  @Override
  public void close() {
    closed = true;
    cleanable.clean();
  }

  MemorySegment pointer() {
    if (closed) {
      throw new IllegalStateException("image is closed");
    }
    return pointer;
  }

  private static String loaderFor(Vips vips, Path file) {
    return vips.c.foreignFindLoad(file.toString(), "load " + file.getFileName());
  }

  private static String loaderFor(Vips vips, byte[] data) {
    return vips.c.foreignFindLoadBuffer(data, "load buffer");
  }

  private static void setFailOn(Operation load, FailOn failOn) {
    if (load.has("fail_on")) {
      load.set("fail_on", failOn.nick());
    } else {
      load.setIfPresent("fail", failOn != FailOn.NONE);
    }
  }

  /** The cleanup action holds only what it needs, never the image itself. */
  private record Unref(Vips vips, MemorySegment pointer) implements Runnable {
    @Override
    public void run() {
      vips.c.objectUnref(pointer);
    }
  }
}
