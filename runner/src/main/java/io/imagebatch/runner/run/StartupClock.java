package io.imagebatch.runner.run;

import io.imagebatch.runner.log.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/** Start-up cost as users feel it: from JVM start to the first variant written, logged once. */
public final class StartupClock {
  private static final AtomicBoolean REPORTED = new AtomicBoolean();

  private StartupClock() {}

  public static void variantWritten() {
    if (REPORTED.compareAndSet(false, true)) {
      ProcessHandle.current()
          .info()
          .startInstant()
          .ifPresent(
              start ->
                  Log.info(
                      "first variant written",
                      "firstVariantMs",
                      Duration.between(start, Instant.now()).toMillis()));
    }
  }
}
