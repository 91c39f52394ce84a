package io.imagebatch.runner.pipeline;

import io.imagebatch.vips.BlockedLoaderException;
import io.imagebatch.vips.UnknownFormatException;
import io.imagebatch.vips.Vips;
import io.imagebatch.vips.VipsException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Makes each failure's libvips text its own. libvips 8.14 keeps one error buffer per process: with
 * several images in flight, one image's failure may take another's text, or leave it none. So
 * images share libvips as usual, and an image that failed with libvips text is run again alone,
 * with the buffer emptied first: no other image touches libvips meanwhile, so what the buffer then
 * holds came from this image's own calls. Only failing images pay, once.
 */
final class LibvipsErrors {
  /** One try at a source: its result, or its failure. */
  @FunctionalInterface
  interface Attempt {
    ImageResult run() throws ImageFailure;
  }

  private final ReadWriteLock lock = new ReentrantReadWriteLock();

  ImageResult run(Attempt attempt) throws ImageFailure {
    try {
      return locked(lock.readLock(), attempt);
    } catch (ImageFailure failure) {
      if (!carriesLibvipsText(failure)) {
        throw failure;
      }
    }
    return locked(lock.writeLock(), () -> alone(attempt));
  }

  /**
   * Runs with no other image in libvips. A decoder that stops on a warning (failOn: warning) fails
   * without error text; its warnings, all this image's now, then say why.
   */
  private static ImageResult alone(Attempt attempt) throws ImageFailure {
    List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
    Vips.get().clearErrors();
    try {
      return LibvipsWarnings.capturingAll(warnings, attempt::run);
    } catch (ImageFailure failure) {
      if (warnings.isEmpty() || !failure.getMessage().contains(VipsException.NO_TEXT)) {
        throw failure;
      }
      throw new ImageFailure(
          failure.reason(),
          failure.getMessage().replace(VipsException.NO_TEXT, String.join("; ", warnings)),
          failure.getCause());
    }
  }

  /** Failures whose message is libvips' buffer text; the others are written by the runner. */
  static boolean carriesLibvipsText(ImageFailure failure) {
    return failure.getCause() instanceof VipsException
        && !(failure.getCause() instanceof UnknownFormatException)
        && !(failure.getCause() instanceof BlockedLoaderException);
  }

  private static ImageResult locked(java.util.concurrent.locks.Lock lock, Attempt attempt)
      throws ImageFailure {
    lock.lock();
    try {
      return attempt.run();
    } finally {
      lock.unlock();
    }
  }
}
