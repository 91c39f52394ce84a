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
          "first variant written",
          "firstVariantMs",
          now - start,
          "startupMs",
          steps.toString(),
          "cpuMs",
          cpuMillis(ProcessHandle.current().pid())
              + (start < jvmStart
                  ? ProcessHandle.current().parent().map(p -> cpuMillis(p.pid())).orElse(0L)
                  : 0L));
    }
  }

  /**
   * CPU time (user + system, all threads) a process has used, in ms, with the kernel's 10 ms
   * resolution; 0 when /proc cannot tell. Beside the wall-clock start-up, this is its cost in CPU,
   * which a loaded machine does not inflate much: the supervisor's is added in a worker.
   */
  static long cpuMillis(long pid) {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
      // The command name may hold spaces: fields are counted after its closing parenthesis.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
      return ticks * 10; // USER_HZ is 100 on Linux
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
  }
}
