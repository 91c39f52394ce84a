package io.imagebatch.runner.run;

import io.imagebatch.runner.log.Log;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Start-up cost as users feel it: from JVM start to the first variant written, logged once, with
 * when the steps before it ended ({@code startupMs}: milliseconds from JVM start), so a slower
 * start-up shows where the time went.
 */
public final class StartupClock {
  /** The pipeline's moments that end start-up steps. */
  public static final io.imagebatch.runner.pipeline.ImageEvents EVENTS =
      new io.imagebatch.runner.pipeline.ImageEvents() {
        @Override
        public void imageStarted() {
          mark("firstImage");
        }

        @Override
        public void decoded() {
          mark("firstDecode");
        }

        @Override
        public void variantWritten() {
          StartupClock.variantWritten();
        }
      };

  private static final AtomicBoolean REPORTED = new AtomicBoolean();
  private static final ConcurrentHashMap<String, Long> MARKS = new ConcurrentHashMap<>();

  private StartupClock() {}

  /** Notes when a start-up step ended; only the first time for each name counts. */
  public static void mark(String step) {
    if (!REPORTED.get()) {
      MARKS.putIfAbsent(step, System.currentTimeMillis());
    }
  }

  public static void variantWritten() {
    if (REPORTED.compareAndSet(false, true)) {
      long now = System.currentTimeMillis();
      // The JVM's own start time, in milliseconds; ProcessHandle's comes from /proc with
      // one-second granularity. Read after the clock, so loading JMX is not counted.
      long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
      // In a supervised worker, from the supervisor's start: that is when the user started it.
      long start =
          Math.min(
              jvmStart,
              io.imagebatch.runner.isolation.Journal.fromEnvironment(System.getenv())
                  .flatMap(io.imagebatch.runner.isolation.Journal::supervisorStarted)
                  .orElse(jvmStart));
      StringBuilder steps = new StringBuilder();
      MARKS.entrySet().stream()
          .sorted(java.util.Map.Entry.comparingByValue())
          .forEach(
              e ->
                  steps
                      .append(steps.isEmpty() ? "" : " ")
                      .append(e.getKey())
                      .append('=')
                      .append(e.getValue() - start));
      Log.info(
          "first variant written", "firstVariantMs", now - start, "startupMs", steps.toString());
    }
  }
}
