package io.imagebatch.runner.run;

import io.imagebatch.runner.log.Log;
import java.util.concurrent.atomic.AtomicBoolean;

/** Start-up cost as users feel it: from JVM start to the first variant written, logged once. */
public final class StartupClock {
  private static final AtomicBoolean REPORTED = new AtomicBoolean();

  private StartupClock() {}

  public static void variantWritten() {
    if (REPORTED.compareAndSet(false, true)) {
      long now = System.currentTimeMillis();
      // The JVM's own start time, in milliseconds; ProcessHandle's comes from /proc with
      // one-second granularity. Read after the clock, so loading JMX is not counted.
      long start = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
      Log.info("first variant written", "firstVariantMs", now - start);
    }
  }
}
