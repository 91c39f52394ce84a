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
    try (Arena temp = Arena.ofConfined()) {
      MemorySegment cName = temp.allocateFrom(name);
      MemorySegment op =
          NativeCall.invoke(() -> (MemorySegment) vips.c.vipsOperationNew.invokeExact(cName));
      return new Operation(vips, name, vips.check(op, name));
    }
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
    int flags = NativeCall.invoke(() -> (int) vips.c.vipsOperationGetFlags.invokeExact(operation));
    if ((flags & VIPS_OPERATION_BLOCKED) != 0) {
      throw new BlockedLoaderException(nickname());
    }
    return this;
  }

  /** The operation's libvips nickname, e.g. {@code magickload} for VipsForeignLoadMagickFile. */
  private String nickname() {
    MemorySegment cName = arena.allocateFrom(name);
    long type = NativeCall.invoke(() -> (long) vips.c.gTypeFromName.invokeExact(cName));
    if (type == 0) {
      return name;
    }
    String nickname =
        Strings.read(
            NativeCall.invoke(() -> (MemorySegment) vips.c.vipsNicknameFind.invokeExact(type)));
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
    long fundamental = NativeCall.invoke(() -> (long) vips.c.gTypeFundamental.invokeExact(type));
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
    MemorySegment holder = arena.allocate(ADDRESS);
    holder.set(ADDRESS, 0, operation);
    int rc = NativeCall.invoke(() -> (int) vips.c.vipsCacheOperationBuildp.invokeExact(holder));
    // buildp may swap in a cached operation and drop the reference to ours.
    operation = holder.get(ADDRESS, 0);
    if (rc != 0) {
      throw vips.error(name);
    }
    built = true;
    return this;
  }

  /** An output image, owned by the caller. */
  VipsImage image(String argument) {
    return new VipsImage(vips, vips.check(getPointer(argument), name + " output " + argument));
  }

  /** A byte-array output such as a saver's {@code buffer}, copied into the Java heap. */
  byte[] bytes(String argument) {
    MemorySegment blob = vips.check(getPointer(argument), name + " output " + argument);
    try {
      MemorySegment length = arena.allocate(JAVA_LONG);
      MemorySegment data =
          NativeCall.invoke(() -> (MemorySegment) vips.c.vipsBlobGet.invokeExact(blob, length));
      long size = length.get(JAVA_LONG, 0);
      return data.reinterpret(size).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    } finally {
      NativeCall.run(
          () -> {
            vips.c.vipsAreaUnref.invokeExact(blob);
          });
    }
  }

  /** A double output such as {@code avg}'s {@code out}. */
  double number(String argument) {
    MemorySegment out = arena.allocate(JAVA_DOUBLE);
    MemorySegment cArgument = arena.allocateFrom(argument);
    NativeCall.run(
        () -> {
          vips.c.gObjectGetPointer.invokeExact(operation, cArgument, out, MemorySegment.NULL);
        });
    return out.get(JAVA_DOUBLE, 0);
  }

  @Override
  public void close() {
    if (built) {
      NativeCall.run(
          () -> {
            vips.c.vipsObjectUnrefOutputs.invokeExact(operation);
          });
    }
    MemorySegment op = operation;
    NativeCall.run(
        () -> {
          vips.c.gObjectUnref.invokeExact(op);
        });
    arena.close();
  }

  private MemorySegment getPointer(String argument) {
    MemorySegment out = arena.allocate(ADDRESS);
    MemorySegment cArgument = arena.allocateFrom(argument);
    NativeCall.run(
        () -> {
          vips.c.gObjectGetPointer.invokeExact(operation, cArgument, out, MemorySegment.NULL);
        });
    return out.get(ADDRESS, 0);
  }

  private MemorySegment paramSpec(String argument) {
    MemorySegment objectClass = operation.reinterpret(ADDRESS.byteSize()).get(ADDRESS, 0);
    MemorySegment cArgument = arena.allocateFrom(argument);
    return NativeCall.invoke(
        () -> (MemorySegment) vips.c.gObjectClassFindProperty.invokeExact(objectClass, cArgument));
  }

  private int enumValue(long type, String nick, boolean flags) {
    MemorySegment cNick = arena.allocateFrom(nick);
    MemorySegment domain = arena.allocateFrom(name);
    int value =
        flags
            ? NativeCall.invoke(
                () -> (int) vips.c.vipsFlagsFromNick.invokeExact(domain, type, cNick))
            : NativeCall.invoke(
                () -> (int) vips.c.vipsEnumFromNick.invokeExact(domain, type, cNick));
    if (value < 0) {
      throw vips.error(name);
    }
    return value;
  }

  private String typeName(long type) {
    return Strings.read(
        NativeCall.invoke(() -> (MemorySegment) vips.c.gTypeName.invokeExact(type)));
  }

  private void setInt(MemorySegment argument, int value) {
    NativeCall.run(
        () -> {
          vips.c.gObjectSetInt.invokeExact(operation, argument, value, MemorySegment.NULL);
        });
  }

  private void setLong(MemorySegment argument, long value) {
    NativeCall.run(
        () -> {
          vips.c.gObjectSetLong.invokeExact(operation, argument, value, MemorySegment.NULL);
        });
  }

  private void setDouble(MemorySegment argument, double value) {
    NativeCall.run(
        () -> {
          vips.c.gObjectSetDouble.invokeExact(operation, argument, value, MemorySegment.NULL);
        });
  }

  private void setPointer(MemorySegment argument, MemorySegment value) {
    NativeCall.run(
        () -> {
          vips.c.gObjectSetPointer.invokeExact(operation, argument, value, MemorySegment.NULL);
        });
  }

  private void setArrayDouble(MemorySegment argument, double[] values) {
    MemorySegment data = arena.allocateFrom(JAVA_DOUBLE, values);
    MemorySegment array =
        vips.check(
            NativeCall.invoke(
                () -> (MemorySegment) vips.c.vipsArrayDoubleNew.invokeExact(data, values.length)),
            "vips_array_double_new");
    try {
      setPointer(argument, array); // GLib copies boxed values: the property takes its own ref
    } finally {
      NativeCall.run(
          () -> {
            vips.c.vipsAreaUnref.invokeExact(array);
          });
    }
  }
}
