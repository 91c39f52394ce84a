package io.imagebatch.runner.local;

import io.imagebatch.runner.pipeline.ImageResult;
import io.imagebatch.runner.pipeline.ImageResult.VariantStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Counts over a run, safe to update from every worker. */
public final class RunStats {
  public static final int FAILURES_KEPT = 20;

  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong bytesIn = new AtomicLong();
  private final AtomicLong bytesOut = new AtomicLong();
  private final List<ImageResult> firstFailures = new ArrayList<>();

  public void add(ImageResult result) {
    switch (result.status()) {
      case succeeded -> succeeded.incrementAndGet();
      case failed -> failed.incrementAndGet();
      case skipped -> skipped.incrementAndGet();
    }
    if (result.bytes() != null && result.status() != ImageResult.Status.skipped) {
      bytesIn.addAndGet(result.bytes());
    }
    for (ImageResult.VariantResult variant : result.variants()) {
      if (variant.status() == VariantStatus.written) {
        written.incrementAndGet();
        bytesOut.addAndGet(variant.bytes());
      }
    }
    if (result.status() == ImageResult.Status.failed) {
      synchronized (firstFailures) {
        if (firstFailures.size() < FAILURES_KEPT) {
          firstFailures.add(result);
        }
      }
    }
  }

  public long done() {
    return succeeded.get() + failed.get() + skipped.get();
  }

  public long succeeded() {
    return succeeded.get();
  }

  public long failed() {
    return failed.get();
  }

  public long skipped() {
    return skipped.get();
  }

  public long written() {
    return written.get();
  }

  public long bytesIn() {
    return bytesIn.get();
  }

  public long bytesOut() {
    return bytesOut.get();
  }

  public List<ImageResult> firstFailures() {
    synchronized (firstFailures) {
      return List.copyOf(firstFailures);
    }
  }
}
