package io.imagebatch.vips;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One libvips operation call, the way {@code vips_call_split} does it: create by name, set
 * arguments, build, read outputs, unref. Argument values are checked against the property's GLib
 * type, so a wrong type is a Java exception, never a misread varargs slot.
 */
final class Operation implements AutoCloseable {
  private static final long G_TYPE_BOOLEAN = 5 << 2;
  private static final long G_TYPE_INT = 6 << 2;
  private static final long G_TYPE_UINT64 = 11 << 2;
  private static final long G_TYPE_INT64 = 10 << 2;
  private static final long G_TYPE_ENUM = 12 << 2;
  private static final long G_TYPE_FLAGS = 13 << 2;
  private static final long G_TYPE_DOUBLE = 15 << 2;
  private static final long G_TYPE_STRING = 16 << 2;
  private static final long G_TYPE_BOXED = 18 << 2;
  private static final long G_TYPE_OBJECT = 20 << 2;
  // GParamSpec { GTypeInstance; const gchar *name; GParamFlags flags; GType value_type; ... }
  private static final long PARAM_SPEC_VALUE_TYPE_OFFSET = 24;

  private final Vips vips;
  private final String name;
  private final Arena arena = Arena.ofConfined();
  private MemorySegment operation;
  private boolean built;

  private Operation(Vips vips, String name, MemorySegment operation) {
    this.vips = vips;
    this.name = name;
    this.operation = operation;
  }

  static Operation create(Vips vips, String name) {
    return new Operation(vips, name, vips.c.operationNew(name));
  }

  private static final int VIPS_OPERATION_BLOCKED = 32;

  Vips vips() {
    return vips;
  }

  /**
   * Refuses an operation libvips has blocked, e.g. an untrusted loader under {@code
   * vips_block_untrusted_set}, before it touches any input. Without this, the build fails with
   * "operation is blocked" in the process-wide error buffer, which another image may take.
   */
  Operation requireNotBlocked() {
    int flags = vips.c.operationGetFlags(operation);
    if ((flags & VIPS_OPERATION_BLOCKED) != 0) {
      throw new BlockedLoaderException(nickname());
    }
    return this;
  }

  /** The operation's libvips nickname, e.g. {@code magickload} for VipsForeignLoadMagickFile. */
  private String nickname() {
    long type = vips.c.typeFromName(name);
    String nickname = type == 0 ? "" : vips.c.nicknameFind(type);
    return nickname.isEmpty() ? name : nickname;
  }

  /** Whether this libvips version has the argument, e.g. {@code keep} (8.15+) or {@code strip}. */
  boolean has(String argument) {
    return !paramSpec(argument).equals(MemorySegment.NULL);
  }

  Operation set(String argument, Object value) {
    MemorySegment spec = paramSpec(argument);
    if (spec.equals(MemorySegment.NULL)) {
      throw new IllegalArgumentException(name + " has no argument '" + argument + "'");
    }
    long type =
        spec.reinterpret(PARAM_SPEC_VALUE_TYPE_OFFSET + 8)
            .get(JAVA_LONG, PARAM_SPEC_VALUE_TYPE_OFFSET);
    long fundamental = vips.c.typeFundamental(type);
    MemorySegment cArgument = arena.allocateFrom(argument);
    switch (value) {
      case Boolean b when fundamental == G_TYPE_BOOLEAN -> setInt(cArgument, b ? 1 : 0);
      case Integer i when fundamental == G_TYPE_INT || fundamental == G_TYPE_ENUM ->
          setInt(cArgument, i);
      case Integer i when fundamental == G_TYPE_DOUBLE -> setDouble(cArgument, i);
      case Long l when fundamental == G_TYPE_INT64 || fundamental == G_TYPE_UINT64 ->
          setLong(cArgument, l);
      case Double d when fundamental == G_TYPE_DOUBLE -> setDouble(cArgument, d);
      case String s when fundamental == G_TYPE_ENUM -> setInt(cArgument, enumValue(type, s, false));
      case String s when fundamental == G_TYPE_FLAGS -> setInt(cArgument, enumValue(type, s, true));
      case String s when fundamental == G_TYPE_STRING ->
          setPointer(cArgument, arena.allocateFrom(s));
      case VipsImage image when fundamental == G_TYPE_OBJECT ->
          setPointer(cArgument, image.pointer());
      case double[] array when fundamental == G_TYPE_BOXED -> setArrayDouble(cArgument, array);
      case Blob blob when fundamental == G_TYPE_BOXED -> setPointer(cArgument, blob.pointer());
      default ->
          throw new IllegalArgumentException(
              name
                  + " argument '"
                  + argument
                  + "' cannot take a "
                  + value.getClass().getSimpleName()
                  + " (its GLib type is "
                  + typeName(type)
                  + ")");
    }
    return this;
  }

  /** Sets the argument only when this libvips version has it. */
  Operation setIfPresent(String argument, Object value) {
    return has(argument) ? set(argument, value) : this;
  }

  Operation build() {
    operation = vips.c.cacheOperationBuildp(operation, name);
    built = true;
    return this;
  }

  /** An output image, owned by the caller. */
  VipsImage image(String argument) {
    return new VipsImage(vips, output(argument));
  }

  /** A byte-array output such as a saver's {@code buffer}, copied into the Java heap. */
  byte[] bytes(String argument) {
    MemorySegment blob = output(argument);
    try {
      return vips.c.blobGet(blob);
    } finally {
      vips.c.areaUnref(blob);
    }
  }

  /** A double output such as {@code avg}'s {@code out}. */
  double number(String argument) {
    MemorySegment out = arena.allocate(JAVA_DOUBLE);
    vips.c.get(operation, arena.allocateFrom(argument), out);
    return out.get(JAVA_DOUBLE, 0);
  }

  @Override
  public void close() {
    if (built) {
      vips.c.objectUnrefOutputs(operation);
    }
    vips.c.objectUnref(operation);
    arena.close();
  }

  /** An object output; a NULL one is a failure of this operation. */
  private MemorySegment output(String argument) {
    MemorySegment out = arena.allocate(ADDRESS);
    vips.c.get(operation, arena.allocateFrom(argument), out);
    MemorySegment pointer = out.get(ADDRESS, 0);
    if (pointer.equals(MemorySegment.NULL)) {
      throw vips.c.error(name + " output " + argument);
    }
    return pointer;
  }

  private MemorySegment paramSpec(String argument) {
    MemorySegment objectClass = operation.reinterpret(ADDRESS.byteSize()).get(ADDRESS, 0);
    return vips.c.classFindProperty(objectClass, arena.allocateFrom(argument));
  }

  private int enumValue(long type, String nick, boolean flags) {
    return vips.c.enumFromNick(name, type, nick, flags);
  }

  private String typeName(long type) {
    return vips.c.typeName(type);
  }

  private void setInt(MemorySegment argument, int value) {
    vips.c.setInt(operation, argument, value);
  }

  private void setLong(MemorySegment argument, long value) {
    vips.c.setLong(operation, argument, value);
  }

  private void setDouble(MemorySegment argument, double value) {
    vips.c.setDouble(operation, argument, value);
  }

  private void setPointer(MemorySegment argument, MemorySegment value) {
    vips.c.setPointer(operation, argument, value);
  }

  private void setArrayDouble(MemorySegment argument, double[] values) {
    MemorySegment array = vips.c.arrayDoubleNew(values);
    try {
      setPointer(argument, array); // GLib copies boxed values: the property takes its own ref
    } finally {
      vips.c.areaUnref(array);
    }
  }
}
