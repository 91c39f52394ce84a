package io.imagebatch.vips;

import java.lang.foreign.MemorySegment;

/** C strings from libvips. */
final class Strings {
  private static final long MAX_LENGTH = 1 << 20;

  private Strings() {}

  /** Reads a NUL-terminated string; NULL reads as "". */
  static String read(MemorySegment pointer) {
    if (pointer.equals(MemorySegment.NULL)) {
      return "";
    }
    return pointer.reinterpret(MAX_LENGTH).getString(0);
  }
}
