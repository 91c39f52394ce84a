package io.imagebatch.vips;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Bytes handed to libvips. libvips keeps its own copy, so the Java array can go at once and the
 * blob lives exactly as long as the images that read from it hold their references.
 */
final class Blob implements AutoCloseable {
  private final Vips vips;
  private final MemorySegment pointer;

  private Blob(Vips vips, MemorySegment pointer) {
    this.vips = vips;
    this.pointer = pointer;
  }

  static Blob copyOf(Vips vips, byte[] data) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment bytes = arena.allocateFrom(ValueLayout.JAVA_BYTE, data);
      long length = data.length;
      MemorySegment blob =
          NativeCall.invoke(() -> (MemorySegment) vips.c.vipsBlobCopy.invokeExact(bytes, length));
      return new Blob(vips, vips.check(blob, "vips_blob_copy"));
    }
  }

  MemorySegment pointer() {
    return pointer;
  }

  @Override
  public void close() {
    NativeCall.run(
        () -> {
          vips.c.vipsAreaUnref.invokeExact(pointer);
        });
  }
}
