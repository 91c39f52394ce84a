package io.imagebatch.vips;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Raw downcall handles: the lowest layer, one handle per C function and no policy. Callers above
 * check every result; nothing here interprets errors.
 */
final class Native {
  private static final Linker LINKER = Linker.nativeLinker();

  // Varargs calls are always terminated by NULL; GLib reads each value by its property type.
  private static final Linker.Option VARIADIC_AFTER_NAME = Linker.Option.firstVariadicArg(2);

  final MethodHandle vipsInit;
  final MethodHandle vipsVersion;
  final MethodHandle vipsErrorBufferCopy;
  final MethodHandle vipsErrorClear;
  final MethodHandle gFree;
  final MethodHandle vipsCacheSetMax;
  final MethodHandle vipsConcurrencySet;
  final MethodHandle vipsConcurrencyGet;
  final MethodHandle vipsTrackedGetMemHighwater;
  final MethodHandle vipsTrackedGetMem;
  final MethodHandle vipsTrackedGetFiles;
  final MethodHandle vipsObjectMap;
  final MethodHandle vipsLeakSet;
  final MethodHandle vipsThreadShutdown;
  final MethodHandle vipsOperationNew;
  final MethodHandle vipsCacheOperationBuildp;
  final MethodHandle vipsObjectUnrefOutputs;
  final MethodHandle gObjectUnref;
  final MethodHandle gObjectRef;
  final MethodHandle gObjectSetInt;
  final MethodHandle gObjectSetLong;
  final MethodHandle gObjectSetDouble;
  final MethodHandle gObjectSetPointer;
  final MethodHandle gObjectGetPointer;
  final MethodHandle gObjectClassFindProperty;
  final MethodHandle gTypeFundamental;
  final MethodHandle gTypeName;
  final MethodHandle vipsEnumFromNick;
  final MethodHandle vipsFlagsFromNick;
  final MethodHandle vipsEnumNick;
  final MethodHandle vipsInterpretationGetType;
  final MethodHandle vipsTypeFind;
  final MethodHandle vipsForeignFindLoad;
  final MethodHandle vipsForeignFindLoadBuffer;
  final MethodHandle vipsBlobCopy;
  final MethodHandle vipsBlobGet;
  final MethodHandle vipsAreaUnref;
  final MethodHandle vipsArrayDoubleNew;
  final MethodHandle vipsImageGetWidth;
  final MethodHandle vipsImageGetHeight;
  final MethodHandle vipsImageGetBands;
  final MethodHandle vipsImageGetNPages;
  final MethodHandle vipsImageGetInterpretation;
  final MethodHandle vipsImageHasalpha;
  final MethodHandle vipsImageGetTypeof;
  final MethodHandle vipsImageGetInt;
  final MethodHandle vipsImageGetAsString;
  final MethodHandle gLogSetHandler;
  final MethodHandle vipsImageCopyMemory;
  final MethodHandle vipsImageSetInt;
  final MethodHandle vipsImageRemove;
  final MethodHandle vipsBlockUntrustedSet;
  final MethodHandle vipsOperationGetFlags;
  final MethodHandle gTypeFromName;
  final MethodHandle vipsNicknameFind;

  Native(SymbolLookup lookup) {
    vipsInit = function(lookup, "vips_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    vipsVersion = function(lookup, "vips_version", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    vipsErrorBufferCopy =
        function(lookup, "vips_error_buffer_copy", FunctionDescriptor.of(ADDRESS));
    vipsErrorClear = function(lookup, "vips_error_clear", FunctionDescriptor.ofVoid());
    gFree = function(lookup, "g_free", FunctionDescriptor.ofVoid(ADDRESS));
    vipsCacheSetMax = function(lookup, "vips_cache_set_max", FunctionDescriptor.ofVoid(JAVA_INT));
    vipsConcurrencySet =
        function(lookup, "vips_concurrency_set", FunctionDescriptor.ofVoid(JAVA_INT));
    vipsConcurrencyGet = function(lookup, "vips_concurrency_get", FunctionDescriptor.of(JAVA_INT));
    vipsTrackedGetMemHighwater =
        function(lookup, "vips_tracked_get_mem_highwater", FunctionDescriptor.of(JAVA_LONG));
    vipsTrackedGetMem = function(lookup, "vips_tracked_get_mem", FunctionDescriptor.of(JAVA_LONG));
    vipsTrackedGetFiles =
        function(lookup, "vips_tracked_get_files", FunctionDescriptor.of(JAVA_INT));
    vipsObjectMap =
        function(
            lookup, "vips_object_map", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    vipsLeakSet = function(lookup, "vips_leak_set", FunctionDescriptor.ofVoid(JAVA_INT));
    vipsThreadShutdown = function(lookup, "vips_thread_shutdown", FunctionDescriptor.ofVoid());
    vipsOperationNew =
        function(lookup, "vips_operation_new", FunctionDescriptor.of(ADDRESS, ADDRESS));
    vipsCacheOperationBuildp =
        function(lookup, "vips_cache_operation_buildp", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    vipsObjectUnrefOutputs =
        function(lookup, "vips_object_unref_outputs", FunctionDescriptor.ofVoid(ADDRESS));
    gObjectUnref = function(lookup, "g_object_unref", FunctionDescriptor.ofVoid(ADDRESS));
    gObjectRef = function(lookup, "g_object_ref", FunctionDescriptor.of(ADDRESS, ADDRESS));
    gObjectSetInt = objectSet(lookup, JAVA_INT);
    gObjectSetLong = objectSet(lookup, JAVA_LONG);
    gObjectSetDouble = objectSet(lookup, JAVA_DOUBLE);
    gObjectSetPointer = objectSet(lookup, ADDRESS);
    gObjectGetPointer =
        function(
            lookup,
            "g_object_get",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS),
            VARIADIC_AFTER_NAME);
    gObjectClassFindProperty =
        function(
            lookup,
            "g_object_class_find_property",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    gTypeFundamental =
        function(lookup, "g_type_fundamental", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    gTypeName = function(lookup, "g_type_name", FunctionDescriptor.of(ADDRESS, JAVA_LONG));
    vipsEnumFromNick =
        function(
            lookup,
            "vips_enum_from_nick",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
    vipsFlagsFromNick =
        function(
            lookup,
            "vips_flags_from_nick",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
    vipsEnumNick =
        function(lookup, "vips_enum_nick", FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_INT));
    vipsInterpretationGetType =
        function(lookup, "vips_interpretation_get_type", FunctionDescriptor.of(JAVA_LONG));
    vipsTypeFind =
        function(lookup, "vips_type_find", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS));
    vipsForeignFindLoad =
        function(lookup, "vips_foreign_find_load", FunctionDescriptor.of(ADDRESS, ADDRESS));
    vipsForeignFindLoadBuffer =
        function(
            lookup,
            "vips_foreign_find_load_buffer",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
    vipsBlobCopy =
        function(lookup, "vips_blob_copy", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
    vipsBlobGet =
        function(lookup, "vips_blob_get", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    vipsAreaUnref = function(lookup, "vips_area_unref", FunctionDescriptor.ofVoid(ADDRESS));
    vipsArrayDoubleNew =
        function(
            lookup, "vips_array_double_new", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    vipsImageGetWidth = imageInt(lookup, "vips_image_get_width");
    vipsImageGetHeight = imageInt(lookup, "vips_image_get_height");
    vipsImageGetBands = imageInt(lookup, "vips_image_get_bands");
    vipsImageGetNPages = imageInt(lookup, "vips_image_get_n_pages");
    vipsImageGetInterpretation = imageInt(lookup, "vips_image_get_interpretation");
    vipsImageHasalpha = imageInt(lookup, "vips_image_hasalpha");
    vipsImageGetTypeof =
        function(
            lookup, "vips_image_get_typeof", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS));
    vipsImageGetInt =
        function(
            lookup,
            "vips_image_get_int",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    vipsImageGetAsString =
        function(
            lookup,
            "vips_image_get_as_string",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    gLogSetHandler =
        function(
            lookup,
            "g_log_set_handler",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
    vipsImageCopyMemory =
        function(lookup, "vips_image_copy_memory", FunctionDescriptor.of(ADDRESS, ADDRESS));
    vipsImageRemove =
        function(lookup, "vips_image_remove", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    vipsImageSetInt =
        function(
            lookup, "vips_image_set_int", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT));
    vipsBlockUntrustedSet =
        function(lookup, "vips_block_untrusted_set", FunctionDescriptor.ofVoid(JAVA_INT));
    vipsOperationGetFlags =
        function(lookup, "vips_operation_get_flags", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    gTypeFromName = function(lookup, "g_type_from_name", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    vipsNicknameFind =
        function(lookup, "vips_nickname_find", FunctionDescriptor.of(ADDRESS, JAVA_LONG));
  }

  static Linker linker() {
    return LINKER;
  }

  private static MethodHandle objectSet(SymbolLookup lookup, java.lang.foreign.MemoryLayout value) {
    return function(
        lookup,
        "g_object_set",
        FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, value, ADDRESS),
        VARIADIC_AFTER_NAME);
  }

  private static MethodHandle imageInt(SymbolLookup lookup, String name) {
    return function(lookup, name, FunctionDescriptor.of(JAVA_INT, ADDRESS));
  }

  private static MethodHandle function(
      SymbolLookup lookup, String name, FunctionDescriptor descriptor, Linker.Option... options) {
    MemorySegment symbol =
        lookup
            .find(name)
            .orElseThrow(
                () ->
                    new VipsException(
                        "load",
                        "the libvips library does not export "
                            + name
                            + "; it is too old or not a libvips C API build"));
    return LINKER.downcallHandle(symbol, descriptor, options);
  }
}
