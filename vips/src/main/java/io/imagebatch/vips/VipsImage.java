package io.imagebatch.vips;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
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
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment name = arena.allocateFrom(field);
      NativeCall.run(
          () -> {
            vips.c.vipsImageSetInt.invokeExact(copy.pointer(), name, value);
          });
    }
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
    try (Arena arena = Arena.ofConfined()) {
      for (String field : METADATA) {
        MemorySegment name = arena.allocateFrom(field);
        NativeCall.invoke(() -> (int) vips.c.vipsImageRemove.invokeExact(copy.pointer(), name));
      }
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
    MemorySegment copy =
        NativeCall.invoke(() -> (MemorySegment) vips.c.vipsImageCopyMemory.invokeExact(pointer()));
    return new VipsImage(vips, vips.check(copy, "vips_image_copy_memory"));
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
    return intOf(vips.c.vipsImageGetWidth);
  }

  public int height() {
    return intOf(vips.c.vipsImageGetHeight);
  }

  public int bands() {
    return intOf(vips.c.vipsImageGetBands);
  }

  public boolean hasAlpha() {
    return intOf(vips.c.vipsImageHasalpha) != 0;
  }

  /** libvips' interpretation nickname, e.g. {@code srgb}, {@code cmyk}, {@code rgb16}. */
  public String interpretation() {
    int value = intOf(vips.c.vipsImageGetInterpretation);
    long type = NativeCall.invoke(() -> (long) vips.c.vipsInterpretationGetType.invokeExact());
    return Strings.read(
        NativeCall.invoke(() -> (MemorySegment) vips.c.vipsEnumNick.invokeExact(type, value)));
  }

  /** The header fields read before any decoding. */
  public ImageHeader header() {
    return new ImageHeader(
        stringField("vips-loader").orElse(""),
        width(),
        height(),
        bands(),
        Math.max(1, intOf(vips.c.vipsImageGetNPages)),
        intField("orientation").filter(o -> o >= 1 && o <= 8).orElse(1),
        interpretation(),
        hasAlpha(),
        intField("interlaced").orElse(0) != 0);
  }

  /** An integer header field, if the image has it. */
  public Optional<Integer> intField(String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cName = arena.allocateFrom(name);
      if (!hasField(cName)) {
        return Optional.empty();
      }
      MemorySegment out = arena.allocate(JAVA_INT);
      int rc =
          NativeCall.invoke(() -> (int) vips.c.vipsImageGetInt.invokeExact(pointer(), cName, out));
      if (rc != 0) {
        throw vips.error("vips_image_get_int " + name);
      }
      return Optional.of(out.get(JAVA_INT, 0));
    }
  }

  /** Any header field as text, if the image has it. */
  public Optional<String> stringField(String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cName = arena.allocateFrom(name);
      if (!hasField(cName)) {
        return Optional.empty();
      }
      MemorySegment out = arena.allocate(ADDRESS);
      int rc =
          NativeCall.invoke(
              () -> (int) vips.c.vipsImageGetAsString.invokeExact(pointer(), cName, out));
      if (rc != 0) {
        throw vips.error("vips_image_get_as_string " + name);
      }
      MemorySegment text = out.get(ADDRESS, 0);
      try {
        return Optional.of(Strings.read(text));
      } finally {
        NativeCall.run(
            () -> {
              vips.c.gFree.invokeExact(text);
            });
      }
    }
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

  private boolean hasField(MemorySegment cName) {
    return NativeCall.invoke(() -> (long) vips.c.vipsImageGetTypeof.invokeExact(pointer(), cName))
        != 0;
  }

  private int intOf(java.lang.invoke.MethodHandle getter) {
    MemorySegment image = pointer();
    return NativeCall.invoke(() -> (int) getter.invokeExact(image));
  }

  private static String loaderFor(Vips vips, Path file) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment name = arena.allocateFrom(file.toString());
      MemorySegment loader =
          NativeCall.invoke(() -> (MemorySegment) vips.c.vipsForeignFindLoad.invokeExact(name));
      return loaderName(vips, loader, "load " + file.getFileName());
    }
  }

  private static String loaderFor(Vips vips, byte[] data) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment bytes = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, data);
      long length = data.length;
      MemorySegment loader =
          NativeCall.invoke(
              () -> (MemorySegment) vips.c.vipsForeignFindLoadBuffer.invokeExact(bytes, length));
      return loaderName(vips, loader, "load buffer");
    }
  }

  private static String loaderName(Vips vips, MemorySegment loader, String operation) {
    if (loader.equals(MemorySegment.NULL)) {
      throw new UnknownFormatException(operation, vips.takeErrorText());
    }
    return Strings.read(loader);
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
      NativeCall.run(
          () -> {
            vips.c.gObjectUnref.invokeExact(pointer);
          });
    }
  }
}
