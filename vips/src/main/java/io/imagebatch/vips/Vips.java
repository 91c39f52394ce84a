package io.imagebatch.vips;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process-wide libvips: loads the library once, initialises it, and turns every libvips failure
 * into a {@link VipsException} carrying (and clearing) libvips' error buffer.
 */
public final class Vips {
  private static final System.Logger LOG = System.getLogger("imagebatch.vips");
  private static final int G_LOG_LEVEL_CRITICAL = 1 << 3;
  private static final int G_LOG_LEVEL_WARNING = 1 << 4;
  private static final int G_LOG_LEVEL_MESSAGE = 1 << 5;
  private static final int G_LOG_LEVEL_INFO = 1 << 6;
  private static volatile Vips instance;
  private static volatile java.util.function.Consumer<String> warningListener;

  final Checked c;
  private final String libraryName;
  private final String version;
  private final SaverCapabilities capabilities;
  private final AtomicInteger counter = new AtomicInteger();
  private final boolean untrustedLoadersAllowed;

  private Vips(VipsLibrary.Loaded library, VipsOptions options) {
    this.c = new Checked(new Native(library.lookup()));
    this.libraryName = library.name();
    c.init("imagebatch");
    installLogHandler();
    c.cacheSetMax(options.operationCacheMax());
    if (options.concurrency() > 0) {
      c.concurrencySet(options.concurrency());
    }
    boolean block = !options.allowUntrustedLoaders();
    c.blockUntrustedSet(block);
    this.untrustedLoadersAllowed = !block;
    if (options.leakCheck()) {
      c.leakSet(true);
    }
    this.version = versionPart(0) + "." + versionPart(1) + "." + versionPart(2);
    this.capabilities = SaverCapabilities.probe(this);
  }

  /** Initialises libvips with these options; later calls return the same instance. */
  public static Vips init(VipsOptions options) {
    Vips vips = instance;
    if (vips == null) {
      synchronized (Vips.class) {
        vips = instance;
        if (vips == null) {
          vips = new Vips(VipsLibrary.load(), options);
          instance = vips;
          LOG.log(
              System.Logger.Level.INFO,
              "libvips {0} loaded from {1}; savers {2}; concurrency {3}; operation cache {4};"
                  + " untrusted loaders {5}",
              vips.version,
              vips.libraryName,
              vips.capabilities.formats(),
              vips.concurrency(),
              options.operationCacheMax() == 0 ? "off" : options.operationCacheMax(),
              vips.untrustedLoadersAllowed ? "ALLOWED" : "blocked");
        }
      }
    }
    return vips;
  }

  /** The initialised libvips, with default options if nobody initialised it yet. */
  public static Vips get() {
    Vips vips = instance;
    return vips != null ? vips : init(VipsOptions.defaults());
  }

  public String version() {
    return version;
  }

  /** The library file or name that was loaded. */
  public String libraryName() {
    return libraryName;
  }

  /** The output formats this libvips build can write. */
  public Set<Saver> savers() {
    return capabilities.formats();
  }

  /** What the savers of this build can do, probed once at start-up. */
  public SaverCapabilities capabilities() {
    return capabilities;
  }

  /** Whether loaders libvips marks untrusted may read images (off unless asked for at init). */
  public boolean untrustedLoadersAllowed() {
    return untrustedLoadersAllowed;
  }

  public int concurrency() {
    return c.concurrencyGet();
  }

  public void setConcurrency(int threads) {
    c.concurrencySet(threads);
  }

  /** The most memory libvips has tracked at once (pixel buffers), in bytes. */
  public long memoryHighWater() {
    return c.trackedGetMemHighwater();
  }

  /** Memory libvips tracks now (pixel buffers), in bytes. */
  public long trackedMemory() {
    return c.trackedGetMem();
  }

  /** Files libvips has open now. */
  public int openFiles() {
    return c.trackedGetFiles();
  }

  /** Live libvips objects (images, operations, sources): a leak shows here first. */
  public synchronized int objectCount() {
    counter.set(0);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment callback =
          Native.linker()
              .upcallStub(
                  MethodHandles.lookup()
                      .bind(
                          this,
                          "countObject",
                          MethodType.methodType(
                              MemorySegment.class,
                              MemorySegment.class,
                              MemorySegment.class,
                              MemorySegment.class)),
                  FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS),
                  arena);
      c.objectMap(callback);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    return counter.get();
  }

  @SuppressWarnings("unused") // called from native code by objectCount
  private MemorySegment countObject(MemorySegment object, MemorySegment a, MemorySegment b) {
    counter.incrementAndGet();
    return MemorySegment.NULL;
  }

  /**
   * Frees libvips' per-thread buffers; call as a thread that used libvips ends. Threads from {@link
   * #threadFactory(String)} do it themselves.
   */
  public void threadShutdown() {
    c.threadShutdown();
  }

  /** Threads that release libvips' per-thread state when they end. */
  public ThreadFactory threadFactory(String namePrefix) {
    AtomicInteger number = new AtomicInteger();
    return task -> {
      Runnable wrapped =
          () -> {
            try {
              task.run();
            } finally {
              threadShutdown();
            }
          };
      Thread thread = new Thread(wrapped, namePrefix + "-" + number.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Empties libvips' process-wide error buffer, so that the next failure's text is only what the
   * calls after this one wrote.
   */
  public void clearErrors() {
    c.errorClear();
  }

  private int versionPart(int flag) {
    return c.version(flag);
  }

  boolean hasOperation(String nickname) {
    return c.typeFind("VipsOperation", nickname) != 0;
  }

  private void installLogHandler() {
    try {
      MemorySegment handler =
          Native.linker()
              .upcallStub(
                  MethodHandles.lookup()
                      .findStatic(
                          Vips.class,
                          "onGLibLog",
                          MethodType.methodType(
                              void.class,
                              MemorySegment.class,
                              int.class,
                              MemorySegment.class,
                              MemorySegment.class)),
                  FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS),
                  Arena.global());
      int levels =
          G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO;
      MemorySegment domain = Arena.global().allocateFrom("VIPS");
      c.logSetHandler(domain, levels, handler);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** libvips' warnings reach our log, not raw stderr, so pod logs stay JSON lines. */
  @SuppressWarnings("unused") // called from native code
  private static void onGLibLog(
      MemorySegment domain, int level, MemorySegment message, MemorySegment userData) {
    System.Logger.Level javaLevel =
        (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) != 0
            ? System.Logger.Level.WARNING
            : System.Logger.Level.DEBUG;
    String text = Strings.read(message);
    java.util.function.Consumer<String> listener = warningListener;
    if (listener != null && javaLevel == System.Logger.Level.WARNING) {
      listener.accept(text);
    } else {
      LOG.log(javaLevel, "libvips: {0}", text);
    }
  }

  /**
   * Hands every libvips warning to {@code listener} instead of the log (null: the log again), on
   * whatever thread emits it: the caller's for header work, libvips' own workers while pixels are
   * computed.
   */
  public static void warningListener(java.util.function.Consumer<String> listener) {
    warningListener = listener;
  }
}
