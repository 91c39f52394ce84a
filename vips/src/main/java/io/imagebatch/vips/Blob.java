package io.imagebatch.vips;

import java.lang.foreign.MemorySegment;

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
    return new Blob(vips, vips.c.blobCopy(data));
  }

  MemorySegment pointer() {
    return pointer;
  }

  @Override
  public void close() {
    vips.c.areaUnref(pointer);
  }
}
