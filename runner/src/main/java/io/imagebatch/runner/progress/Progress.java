package io.imagebatch.runner.progress;

import io.imagebatch.runner.local.RunStats;
import io.imagebatch.runner.log.Log;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shows how far a run is: a redrawn bar with count and ETA on a terminal, a log line every few
 * seconds anywhere else (pods, CI, files).
 */
public final class Progress implements AutoCloseable, Log.StatusLine {
  private static final int BAR = 30;

  private final RunStats stats;
  private final boolean terminal;
  private final PrintStream err;
  private final long started = System.nanoTime();
  private final AtomicLong listed = new AtomicLong();
  private volatile boolean listingDone;
  private volatile long lastDraw;
  private final ScheduledExecutorService ticker;

  public Progress(RunStats stats, boolean terminal, PrintStream err, Duration logEvery) {
    this.stats = stats;
    this.terminal = terminal;
    this.err = err;
    this.ticker =
        terminal
            ? null
            : Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "progress");
                  t.setDaemon(true);
                  return t;
                });
    if (ticker != null) {
      long period = Math.max(1, logEvery.toMillis());
      ticker.scheduleAtFixedRate(this::logLine, period, period, TimeUnit.MILLISECONDS);
    } else {
      Log.statusLine(this);
    }
  }

  /** Erases the bar, so a log line can take its place. */
  @Override
  public synchronized void clear() {
    if (lastDraw != 0) {
      err.print("\r\033[K");
      err.flush();
    }
  }

  /** Draws the bar again below the log line just written. */
  @Override
  public void redraw() {
    if (lastDraw != 0) {
      draw(false);
    }
  }

  public static boolean onTerminal() {
    return System.console() != null && System.console().isTerminal();
  }

  public void listed() {
    listed.incrementAndGet();
  }

  public void listingDone() {
    listingDone = true;
  }

  public void imageDone() {
    if (terminal) {
      long now = System.nanoTime();
      if (now - lastDraw > 100_000_000L || stats.done() == listed.get()) {
        lastDraw = now;
        draw(false);
      }
    }
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    } else {
      Log.statusLine(null);
      draw(true);
    }
  }

  private synchronized void draw(boolean last) {
    long done = stats.done();
    long total = listed.get();
    int filled = total == 0 ? 0 : (int) (BAR * done / total);
    String bar = "#".repeat(filled) + "-".repeat(BAR - filled);
    err.print(
        "\r["
            + bar
            + "] "
            + done
            + "/"
            + total
            + (listingDone ? "" : "+")
            + String.format(" %.1f img/s", rate())
            + eta(done, total)
            + (stats.failed() > 0 ? " failed " + stats.failed() : "")
            + (last ? "\n" : ""));
    err.flush();
  }

  private void logLine() {
    long done = stats.done();
    long total = listed.get();
    Log.info(
        "progress",
        "done",
        done,
        "total",
        listingDone ? total : null,
        "listed",
        total,
        "failed",
        stats.failed(),
        "skipped",
        stats.skipped(),
        "imagesPerSecond",
        Math.round(rate() * 100) / 100.0,
        "etaSeconds",
        listingDone && rate() > 0 ? Math.round((total - done) / rate()) : null);
  }

  private double rate() {
    double seconds = (System.nanoTime() - started) / 1e9;
    return seconds <= 0 ? 0 : stats.done() / seconds;
  }

  private String eta(long done, long total) {
    double rate = rate();
    if (!listingDone || rate <= 0 || done >= total) {
      return "";
    }
    long seconds = Math.round((total - done) / rate);
    return String.format(" ETA %d:%02d", seconds / 60, seconds % 60);
  }
}
