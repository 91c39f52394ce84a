package io.imagebatch.runner.pipeline;

import io.imagebatch.runner.log.Log;
import io.imagebatch.vips.Vips;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * libvips' warnings, tied to the image that caused them. A warning emitted on an image's own thread
 * (header work: EXIF, ICC, loader notes) goes into that image's manifest line; one emitted on a
 * libvips worker thread cannot be told apart and is only counted. Each distinct message is logged
 * once, with the image when known; the run's end logs how often each one came.
 */
public final class LibvipsWarnings {
  private static final ThreadLocal<List<String>> CURRENT = new ThreadLocal<>();
  private static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();
  private static volatile List<String> everything;

  private LibvipsWarnings() {}

  /** Takes libvips' warnings from here on, for one run. */
  public static void install() {
    COUNTS.clear();
    Vips.warningListener(LibvipsWarnings::warn);
  }

  /** Logs each warning that came more than once, with its count. */
  public static void logCounts() {
    COUNTS.forEach(
        (message, count) -> {
          if (count.get() > 1) {
            Log.warn("libvips warning", "message", message, "count", count.get());
          }
        });
  }

  /** Starts collecting this thread's warnings for the image it works on. */
  static void begin() {
    CURRENT.set(new ArrayList<>());
  }

  /** This thread's warnings since {@link #begin()}, distinct, in order; stops collecting. */
  static List<String> end() {
    List<String> warnings = CURRENT.get();
    CURRENT.remove();
    return warnings == null ? List.of() : warnings.stream().distinct().toList();
  }

  /** While {@code task} runs, every warning on any thread also goes to {@code sink}. */
  static <T, E extends Exception> T capturingAll(List<String> sink, Task<T, E> task) throws E {
    everything = sink;
    try {
      return task.run();
    } finally {
      everything = null;
    }
  }

  /** Code that may throw a checked exception. */
  @FunctionalInterface
  interface Task<T, E extends Exception> {
    T run() throws E;
  }

  private static void warn(String message) {
    List<String> all = everything;
    if (all != null) {
      all.add(message);
    }
    List<String> mine = CURRENT.get();
    if (mine != null) {
      mine.add(message);
    }
    if (COUNTS.computeIfAbsent(message, m -> new AtomicLong()).getAndIncrement() == 0) {
      Log.warn("libvips warning", "message", message, "source", Sources.current());
    }
  }

  /** The source an image thread works on, for the log; null on libvips' own threads. */
  static final class Sources {
    private static final ThreadLocal<String> KEY = new ThreadLocal<>();

    private Sources() {}

    static void set(String key) {
      KEY.set(key);
    }

    static void clear() {
      KEY.remove();
    }

    static String current() {
      return KEY.get();
    }
  }
}
