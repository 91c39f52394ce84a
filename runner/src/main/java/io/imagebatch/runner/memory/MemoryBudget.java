package io.imagebatch.runner.memory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The native memory images may use at once, handed out in bytes: a weighted, first-come
 * first-served semaphore. Each worker leases what {@link MemoryEstimate} says its image needs and
 * waits while the rest of the budget is leased to others:
 *
 * <pre>{@code
 * try (MemoryBudget.Lease lease = budget.acquire(MemoryEstimate.of(header, w, h))) {
 *   ... decode, resize, encode ...
 * }
 * }</pre>
 *
 * <p>A request larger than the whole budget is clamped to the whole budget: that image runs alone
 * rather than never. Requests are served in arrival order, so a big request is not starved by a
 * stream of small ones (small ones arriving after it wait behind it).
 *
 * <p>The budget for a memory limit is {@code limit − reserve}, where {@code reserve = JVM max heap
 * + 160 MiB} (metaspace, code cache, thread stacks, the FFM-loaded libvips and its codecs, the
 * libvips operation cache, malloc arenas), and never less than {@link #MINIMUM} (the runner then
 * processes one image at a time).
 */
public final class MemoryBudget {
  /** Native memory that is not images': libraries, metaspace, stacks, libvips caches. */
  public static final long NATIVE_RESERVE = 160L << 20;

  /** The smallest budget ever used, however tight the limit. */
  public static final long MINIMUM = 64L << 20;

  private final long total;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Deque<Object> queue = new ArrayDeque<>();
  private long available;

  public MemoryBudget(long totalBytes) {
    if (totalBytes <= 0) {
      throw new IllegalArgumentException("a memory budget must be positive, not " + totalBytes);
    }
    this.total = totalBytes;
    this.available = totalBytes;
  }

  /** The budget of this process: its detected limit minus the reserve. */
  public static MemoryBudget detect() {
    return forLimit(MemoryLimit.detect().bytes(), Runtime.getRuntime().maxMemory());
  }

  /** {@code max(limit − (maxHeap + NATIVE_RESERVE), MINIMUM)}. */
  public static MemoryBudget forLimit(long limitBytes, long maxHeapBytes) {
    return new MemoryBudget(budgetBytes(limitBytes, maxHeapBytes));
  }

  public static long budgetBytes(long limitBytes, long maxHeapBytes) {
    return Math.max(limitBytes - maxHeapBytes - NATIVE_RESERVE, MINIMUM);
  }

  public long total() {
    return total;
  }

  /** Bytes not leased right now. */
  public long available() {
    lock.lock();
    try {
      return available;
    } finally {
      lock.unlock();
    }
  }

  /** Requests waiting for memory right now. */
  public int waiting() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until {@code bytes} (clamped to {@link #total()}) are free and every earlier request has
   * been served, then leases them.
   *
   * @throws InterruptedException if interrupted while waiting; nothing is leased then
   */
  public Lease acquire(long bytes) throws InterruptedException {
    if (bytes < 0) {
      throw new IllegalArgumentException("cannot lease " + bytes + " bytes");
    }
    long wanted = Math.min(bytes, total);
    Object ticket = new Object();
    lock.lock();
    try {
      queue.addLast(ticket);
      try {
        while (queue.peekFirst() != ticket || available < wanted) {
          changed.await();
        }
      } catch (InterruptedException e) {
        queue.remove(ticket);
        changed.signalAll(); // the next in line may now be first
        throw e;
      }
      queue.removeFirst();
      available -= wanted;
      changed.signalAll(); // the next in line may fit too
      return new Lease(wanted);
    } finally {
      lock.unlock();
    }
  }

  private void release(long bytes) {
    lock.lock();
    try {
      available += bytes;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Leased bytes; closing returns them (once, however often it is closed). */
  public final class Lease implements AutoCloseable {
    private final long bytes;
    private boolean closed;

    private Lease(long bytes) {
      this.bytes = bytes;
    }

    /** What was leased: the request, or the whole budget when the request was larger. */
    public long bytes() {
      return bytes;
    }

    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      release(bytes);
    }
  }
}
