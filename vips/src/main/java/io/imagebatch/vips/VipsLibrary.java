package io.imagebatch.vips;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds the libvips shared library: an explicit file when asked, else the system's.
 *
 * <p>The override accepts any build that exports the C API, e.g. the {@code libvips-cpp.so.*} of
 * the npm package {@code @img/sharp-libvips-linux-x64}, which links GLib statically.
 */
public final class VipsLibrary {
  /** System property naming the library file to load. */
  public static final String PROPERTY = "imagebatch.vips.library";

  /** Environment variable naming the library file to load; the system property wins. */
  public static final String ENVIRONMENT = "IMAGEBATCH_VIPS_LIBRARY";

  private static final List<String> SYSTEM_NAMES =
      List.of("libvips.so.42", "libvips.so", "libvips.42.dylib", "libvips.dylib");

  private VipsLibrary() {}

  /** The explicitly requested library file, if any. */
  public static Optional<String> override() {
    String property = System.getProperty(PROPERTY);
    if (property != null && !property.isBlank()) {
      return Optional.of(property);
    }
    String env = System.getenv(ENVIRONMENT);
    return env == null || env.isBlank() ? Optional.empty() : Optional.of(env);
  }

  /** Opens the library for the life of the JVM; libvips cannot be unloaded safely. */
  static Loaded load() {
    Optional<String> requested = override();
    if (requested.isPresent()) {
      Path file = Path.of(requested.get());
      if (!Files.isReadable(file)) {
        throw overrideRefused(file, "does not exist or is not readable");
      }
      try {
        return new Loaded(SymbolLookup.libraryLookup(file, Arena.global()), file.toString());
      } catch (IllegalArgumentException e) {
        throw overrideRefused(file, "is not a loadable shared library: " + e.getMessage());
      }
    }
    IllegalArgumentException last = null;
    for (String name : SYSTEM_NAMES) {
      try {
        return new Loaded(SymbolLookup.libraryLookup(name, Arena.global()), name);
      } catch (IllegalArgumentException e) {
        last = e;
      }
    }
    throw new VipsException(
        "load",
        "libvips was not found ("
            + String.join(", ", SYSTEM_NAMES)
            + "). Install it (Debian: apt-get install libvips42) or set "
            + ENVIRONMENT
            + " to the library file. Cause: "
            + (last == null ? "" : last.getMessage()));
  }

  private static VipsException overrideRefused(Path file, String why) {
    return new VipsException(
        "load",
        "libvips library " + file + " (from " + PROPERTY + " / " + ENVIRONMENT + ") " + why);
  }

  record Loaded(SymbolLookup lookup, String name) {}
}
