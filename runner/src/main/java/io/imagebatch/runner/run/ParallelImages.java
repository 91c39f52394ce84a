package io.imagebatch.runner.run;

import io.imagebatch.runner.output.StorageException;
import io.imagebatch.runner.pipeline.ImageFailure;
import io.imagebatch.runner.pipeline.ImageProcessor;
import io.imagebatch.runner.pipeline.ImageResult;
import io.imagebatch.runner.pipeline.SourceFile;
import io.imagebatch.runner.source.SourceFetcher;
import io.imagebatch.runner.source.SourceRef;
import io.imagebatch.vips.Vips;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Fetches and processes sources on a fixed set of workers. Submitting blocks while every worker is
 * busy and two more images per worker wait, so a listing of a million sources never runs ahead of
 * memory. A storage outage stops the run; a bad image does not.
 */
public final class ParallelImages implements AutoCloseable {
  private final ExecutorService workers;
  private final Semaphore slots;
  private final SourceFetcher fetcher;
  private final ImageProcessor processor;
  private final Consumer<SourceRef> onStart;
  private final Consumer<ImageResult> onResult;
  private final AtomicReference<RuntimeException> fatal = new AtomicReference<>();

  public ParallelImages(
      int concurrency,
      SourceFetcher fetcher,
      ImageProcessor processor,
      Consumer<ImageResult> onResult) {
    this(concurrency, fetcher, processor, ref -> {}, onResult);
  }

  /**
   * @param onStart told of each source before any work on it, on its worker thread
   */
  public ParallelImages(
      int concurrency,
      SourceFetcher fetcher,
      ImageProcessor processor,
      Consumer<SourceRef> onStart,
      Consumer<ImageResult> onResult) {
    this.onStart = onStart;
    this.workers = Executors.newFixedThreadPool(concurrency, Vips.get().threadFactory("image"));
    this.slots = new Semaphore(concurrency * 3);
    this.fetcher = fetcher;
    this.processor = processor;
    this.onResult = onResult;
  }

  /** Queues one source; throws at once if an earlier one hit a storage outage. */
  public void submit(SourceRef ref) {
    rethrowFatal();
    slots.acquireUninterruptibly();
    workers.execute(
        () -> {
          try {
            if (fatal.get() == null) {
              onStart.accept(ref);
              onResult.accept(process(ref));
            }
          } catch (RuntimeException e) {
            fatal.compareAndSet(null, e);
          } finally {
            slots.release();
          }
        });
  }

  /** Waits for every queued source, then rethrows a storage outage if there was one. */
  public void finish() {
    workers.shutdown();
    try {
      while (!workers.awaitTermination(1, TimeUnit.HOURS)) {
        // a shard may take longer than an hour; keep waiting
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for images", e);
    }
    rethrowFatal();
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }

  private ImageResult process(SourceRef ref) {
    long started = System.nanoTime();
    SourceFile file;
    try {
      processor.refuseEscapingKey(ref.key());
      file = fetcher.fetch(ref, processor.maxInputBytes());
    } catch (ImageFailure failure) {
      return failed(ref, failure, started);
    } catch (StorageException outage) {
      throw outage;
    } catch (RuntimeException unexpected) {
      return failed(ref, ImageFailure.unexpected(unexpected), started);
    }
    try {
      return processor.process(file);
    } finally {
      fetcher.release(file);
    }
  }

  private static ImageResult failed(SourceRef ref, ImageFailure failure, long started) {
    return ImageResult.failed(
        ref.key(),
        ref.size() < 0 ? null : ref.size(),
        failure,
        (System.nanoTime() - started) / 1_000_000);
  }

  private void rethrowFatal() {
    RuntimeException e = fatal.get();
    if (e instanceof StorageException storage) {
      throw storage;
    }
    if (e != null) {
      throw new IllegalStateException("an image worker failed: " + e, e);
    }
  }
}
