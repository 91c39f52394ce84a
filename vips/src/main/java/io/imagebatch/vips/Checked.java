package io.imagebatch.vips;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The checked layer: one method per libvips or GLib call, the only code that invokes the raw
 * handles of {@link Native}. A call that can fail throws {@link VipsException} carrying, and
 * clearing, libvips' error text, which is taken here and nowhere else; callers above never see a
 * return code or a NULL.
 */
final class Checked {
  private final Native c;

  Checked(Native c) {
    this.c = c;
  }

  // --- errors -----------------------------------------------------------------------------------

  /** The exception for a failed call, with libvips' error text (taken and cleared). */
  VipsException error(String operation) {
    return new VipsException(operation, takeErrorText());
  }

  /**
   * Takes and clears libvips' error text. vips_error_buffer_copy copies and clears under libvips'
   * own lock; the buffer is process-wide, so a caller that needs a failure's own text runs that
   * image alone (the runner's LibvipsErrors).
   */
  String takeErrorText() {
    MemorySegment copy =
        NativeCall.invoke(() -> (MemorySegment) c.vipsErrorBufferCopy.invokeExact());
    String text = Strings.read(copy);
    free(copy);
    return text;
  }

  void errorClear() {
    NativeCall.run(
        () -> {
          c.vipsErrorClear.invokeExact();
        });
  }

  void free(MemorySegment pointer) {
    if (!pointer.equals(MemorySegment.NULL)) {
      NativeCall.run(
          () -> {
            c.gFree.invokeExact(pointer);
          });
    }
  }

  private MemorySegment nonNull(MemorySegment pointer, String operation) {
    if (pointer.equals(MemorySegment.NULL)) {
      throw error(operation);
    }
    return pointer;
  }

  // --- the library ------------------------------------------------------------------------------

  void init(String programName) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment name = arena.allocateFrom(programName);
      if (NativeCall.invoke(() -> (int) c.vipsInit.invokeExact(name)) != 0) {
        throw error("vips_init");
      }
    }
  }

  int version(int part) {
    return NativeCall.invoke(() -> (int) c.vipsVersion.invokeExact(part));
  }

  void cacheSetMax(int operations) {
    NativeCall.run(
        () -> {
          c.vipsCacheSetMax.invokeExact(operations);
        });
  }

  void concurrencySet(int threads) {
    NativeCall.run(
        () -> {
          c.vipsConcurrencySet.invokeExact(threads);
        });
  }

  int concurrencyGet() {
    return NativeCall.invoke(() -> (int) c.vipsConcurrencyGet.invokeExact());
  }

  void leakSet(boolean on) {
    int flag = on ? 1 : 0;
    NativeCall.run(
        () -> {
          c.vipsLeakSet.invokeExact(flag);
        });
  }

  void blockUntrustedSet(boolean block) {
    int flag = block ? 1 : 0;
    NativeCall.run(
        () -> {
          c.vipsBlockUntrustedSet.invokeExact(flag);
        });
  }

  long trackedGetMemHighwater() {
    return NativeCall.invoke(() -> (long) c.vipsTrackedGetMemHighwater.invokeExact());
  }

  long trackedGetMem() {
    return NativeCall.invoke(() -> (long) c.vipsTrackedGetMem.invokeExact());
  }

  int trackedGetFiles() {
    return NativeCall.invoke(() -> (int) c.vipsTrackedGetFiles.invokeExact());
  }

  void objectMap(MemorySegment callback) {
    NativeCall.invoke(
        () ->
            (MemorySegment)
                c.vipsObjectMap.invokeExact(callback, MemorySegment.NULL, MemorySegment.NULL));
  }

  void threadShutdown() {
    NativeCall.run(
        () -> {
          c.vipsThreadShutdown.invokeExact();
        });
  }

  void logSetHandler(MemorySegment domain, int levels, MemorySegment handler) {
    NativeCall.invoke(
        () -> (int) c.gLogSetHandler.invokeExact(domain, levels, handler, MemorySegment.NULL));
  }

  // --- types and enums --------------------------------------------------------------------------

  /** The GType of {@code nickname} under {@code base}, 0 when this build has no such type. */
  long typeFind(String base, String nickname) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cBase = arena.allocateFrom(base);
      MemorySegment cName = arena.allocateFrom(nickname);
      return NativeCall.invoke(() -> (long) c.vipsTypeFind.invokeExact(cBase, cName));
    }
  }

  long typeFromName(String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cName = arena.allocateFrom(name);
      return NativeCall.invoke(() -> (long) c.gTypeFromName.invokeExact(cName));
    }
  }

  long typeFundamental(long type) {
    return NativeCall.invoke(() -> (long) c.gTypeFundamental.invokeExact(type));
  }

  String typeName(long type) {
    return Strings.read(NativeCall.invoke(() -> (MemorySegment) c.gTypeName.invokeExact(type)));
  }

  String nicknameFind(long type) {
    return Strings.read(
        NativeCall.invoke(() -> (MemorySegment) c.vipsNicknameFind.invokeExact(type)));
  }

  /** The value of an enum (or flags) nickname; libvips' error names {@code domain}. */
  int enumFromNick(String domain, long type, String nick, boolean flags) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cDomain = arena.allocateFrom(domain);
      MemorySegment cNick = arena.allocateFrom(nick);
      int value =
          flags
              ? NativeCall.invoke(() -> (int) c.vipsFlagsFromNick.invokeExact(cDomain, type, cNick))
              : NativeCall.invoke(() -> (int) c.vipsEnumFromNick.invokeExact(cDomain, type, cNick));
      if (value < 0) {
        throw error(domain);
      }
      return value;
    }
  }

  String enumNick(long type, int value) {
    return Strings.read(
        NativeCall.invoke(() -> (MemorySegment) c.vipsEnumNick.invokeExact(type, value)));
  }

  long interpretationType() {
    return NativeCall.invoke(() -> (long) c.vipsInterpretationGetType.invokeExact());
  }

  // --- loaders ----------------------------------------------------------------------------------

  /** The loader that recognises the file; {@link UnknownFormatException} when none does. */
  String foreignFindLoad(String filename, String operation) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment name = arena.allocateFrom(filename);
      return loaderName(
          NativeCall.invoke(() -> (MemorySegment) c.vipsForeignFindLoad.invokeExact(name)),
          operation);
    }
  }

  /** The loader that recognises the bytes; {@link UnknownFormatException} when none does. */
  String foreignFindLoadBuffer(byte[] data, String operation) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment bytes = arena.allocateFrom(JAVA_BYTE, data);
      long length = data.length;
      return loaderName(
          NativeCall.invoke(
              () -> (MemorySegment) c.vipsForeignFindLoadBuffer.invokeExact(bytes, length)),
          operation);
    }
  }

  private String loaderName(MemorySegment loader, String operation) {
    if (loader.equals(MemorySegment.NULL)) {
      throw new UnknownFormatException(operation, takeErrorText());
    }
    return Strings.read(loader);
  }

  // --- operations -------------------------------------------------------------------------------

  MemorySegment operationNew(String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cName = arena.allocateFrom(name);
      return nonNull(
          NativeCall.invoke(() -> (MemorySegment) c.vipsOperationNew.invokeExact(cName)), name);
    }
  }

  int operationGetFlags(MemorySegment operation) {
    return NativeCall.invoke(() -> (int) c.vipsOperationGetFlags.invokeExact(operation));
  }

  /**
   * Builds the operation through libvips' cache; returns the operation to use from now on (the
   * cache may swap in an equal one and drop our reference).
   */
  MemorySegment cacheOperationBuildp(MemorySegment operation, String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment holder = arena.allocate(ADDRESS);
      holder.set(ADDRESS, 0, operation);
      int rc = NativeCall.invoke(() -> (int) c.vipsCacheOperationBuildp.invokeExact(holder));
      if (rc != 0) {
        throw error(name);
      }
      return holder.get(ADDRESS, 0);
    }
  }

  void objectUnrefOutputs(MemorySegment operation) {
    NativeCall.run(
        () -> {
          c.vipsObjectUnrefOutputs.invokeExact(operation);
        });
  }

  void objectUnref(MemorySegment object) {
    NativeCall.run(
        () -> {
          c.gObjectUnref.invokeExact(object);
        });
  }

  /** The property's GParamSpec, or NULL when the object's class has no such property. */
  MemorySegment classFindProperty(MemorySegment objectClass, MemorySegment name) {
    return NativeCall.invoke(
        () -> (MemorySegment) c.gObjectClassFindProperty.invokeExact(objectClass, name));
  }

  void setInt(MemorySegment object, MemorySegment name, int value) {
    NativeCall.run(
        () -> {
          c.gObjectSetInt.invokeExact(object, name, value, MemorySegment.NULL);
        });
  }

  void setLong(MemorySegment object, MemorySegment name, long value) {
    NativeCall.run(
        () -> {
          c.gObjectSetLong.invokeExact(object, name, value, MemorySegment.NULL);
        });
  }

  void setDouble(MemorySegment object, MemorySegment name, double value) {
    NativeCall.run(
        () -> {
          c.gObjectSetDouble.invokeExact(object, name, value, MemorySegment.NULL);
        });
  }

  void setPointer(MemorySegment object, MemorySegment name, MemorySegment value) {
    NativeCall.run(
        () -> {
          c.gObjectSetPointer.invokeExact(object, name, value, MemorySegment.NULL);
        });
  }

  /** Reads a pointer-sized (or double) property into {@code out}. */
  void get(MemorySegment object, MemorySegment name, MemorySegment out) {
    NativeCall.run(
        () -> {
          c.gObjectGetPointer.invokeExact(object, name, out, MemorySegment.NULL);
        });
  }

  // --- boxed values -----------------------------------------------------------------------------

  MemorySegment blobCopy(byte[] data) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment bytes = arena.allocateFrom(JAVA_BYTE, data);
      long length = data.length;
      return nonNull(
          NativeCall.invoke(() -> (MemorySegment) c.vipsBlobCopy.invokeExact(bytes, length)),
          "vips_blob_copy");
    }
  }

  /** A blob's bytes, copied into the Java heap. */
  byte[] blobGet(MemorySegment blob) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment length = arena.allocate(JAVA_LONG);
      MemorySegment data =
          NativeCall.invoke(() -> (MemorySegment) c.vipsBlobGet.invokeExact(blob, length));
      return data.reinterpret(length.get(JAVA_LONG, 0)).toArray(JAVA_BYTE);
    }
  }

  void areaUnref(MemorySegment area) {
    NativeCall.run(
        () -> {
          c.vipsAreaUnref.invokeExact(area);
        });
  }

  MemorySegment arrayDoubleNew(double[] values) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment data = arena.allocateFrom(JAVA_DOUBLE, values);
      int n = values.length;
      return nonNull(
          NativeCall.invoke(() -> (MemorySegment) c.vipsArrayDoubleNew.invokeExact(data, n)),
          "vips_array_double_new");
    }
  }

  // --- images -----------------------------------------------------------------------------------

  int imageWidth(MemorySegment image) {
    return NativeCall.invoke(() -> (int) c.vipsImageGetWidth.invokeExact(image));
  }

  int imageHeight(MemorySegment image) {
    return NativeCall.invoke(() -> (int) c.vipsImageGetHeight.invokeExact(image));
  }

  int imageBands(MemorySegment image) {
    return NativeCall.invoke(() -> (int) c.vipsImageGetBands.invokeExact(image));
  }

  int imagePages(MemorySegment image) {
    return NativeCall.invoke(() -> (int) c.vipsImageGetNPages.invokeExact(image));
  }

  int imageInterpretation(MemorySegment image) {
    return NativeCall.invoke(() -> (int) c.vipsImageGetInterpretation.invokeExact(image));
  }

  boolean imageHasAlpha(MemorySegment image) {
    return NativeCall.invoke(() -> (int) c.vipsImageHasalpha.invokeExact(image)) != 0;
  }

  boolean imageHasField(MemorySegment image, String field) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment name = arena.allocateFrom(field);
      return NativeCall.invoke(() -> (long) c.vipsImageGetTypeof.invokeExact(image, name)) != 0;
    }
  }

  int imageGetInt(MemorySegment image, String field) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment name = arena.allocateFrom(field);
      MemorySegment out = arena.allocate(JAVA_INT);
      if (NativeCall.invoke(() -> (int) c.vipsImageGetInt.invokeExact(image, name, out)) != 0) {
        throw error("vips_image_get_int " + field);
      }
      return out.get(JAVA_INT, 0);
    }
  }

  String imageGetAsString(MemorySegment image, String field) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment name = arena.allocateFrom(field);
      MemorySegment out = arena.allocate(ADDRESS);
      int rc = NativeCall.invoke(() -> (int) c.vipsImageGetAsString.invokeExact(image, name, out));
      if (rc != 0) {
        throw error("vips_image_get_as_string " + field);
      }
      MemorySegment text = out.get(ADDRESS, 0);
      try {
        return Strings.read(text);
      } finally {
        free(text);
      }
    }
  }

  void imageSetInt(MemorySegment image, String field, int value) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment name = arena.allocateFrom(field);
      NativeCall.run(
          () -> {
            c.vipsImageSetInt.invokeExact(image, name, value);
          });
    }
  }

  void imageRemove(MemorySegment image, String field) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment name = arena.allocateFrom(field);
      NativeCall.invoke(() -> (int) c.vipsImageRemove.invokeExact(image, name));
    }
  }

  MemorySegment imageCopyMemory(MemorySegment image) {
    return nonNull(
        NativeCall.invoke(() -> (MemorySegment) c.vipsImageCopyMemory.invokeExact(image)),
        "vips_image_copy_memory");
  }
}
