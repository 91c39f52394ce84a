package io.imagebatch.runner.run;

import io.imagebatch.runner.log.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
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

  // Fields of /proc/PID/stat counted from the one after the command name (proc(5) minus 3).
  private static final int UTIME = 11;
  private static final int STIME = 12;
  private static final long MILLIS_PER_TICK = 10; // USER_HZ is 100 on Linux

  /** Set by the supervisor for the worker: when the supervisor reached main, in epoch ms. */
  static final String SUPERVISOR_MAIN_ENV = "IMAGEBATCH_SUPERVISOR_MAIN_MS";

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
      // In a supervised worker, from the supervisor's JVM start: that is when the user started it.
      Optional<Long> supervisorMain = supervisorMain(System.getenv());
      Optional<ProcessHandle> supervisor =
          supervisorMain.isPresent() ? ProcessHandle.current().parent() : Optional.empty();
      long start =
          supervisorMain
              .map(main -> jvmStart(main, MARKS.getOrDefault("main", jvmStart) - jvmStart))
              .orElse(jvmStart);
      long supervisorCpu = supervisor.map(p -> cpuMillis(stat(p.pid()))).orElse(0L);
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
          cpuMillis(stat(ProcessHandle.current().pid())) + supervisorCpu,
          "supervisorCpuMs",
          supervisorCpu);
    }
  }

  /** /proc/PID/stat's fields after the command name (which may hold spaces); empty if gone. */
  static String[] stat(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return new String[0];
    }
  }

  /**
   * The supervisor's JVM start, from its {@code main} (which it passes to the worker) minus the
   * time a JVM with the same command line takes to reach {@code main}, measured in this one. No JMX
   * in the supervisor: on two cores its CPU is taken from the worker's start-up. Not /proc's start
   * time: the launcher's shell execs the JVM, so that would count the launcher too.
   */
  static long jvmStart(long supervisorMain, long bootMillis) {
    return supervisorMain - Math.max(0, bootMillis);
  }

  /** In a worker: when its supervisor reached main (epoch ms), from the environment. */
  static Optional<Long> supervisorMain(Map<String, String> env) {
    try {
      return Optional.ofNullable(env.get(SUPERVISOR_MAIN_ENV)).map(Long::parseLong);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** In the supervisor: what the worker's {@link #supervisorMain} reads. */
  public static Map<String, String> supervisorMainForWorker() {
    Long main = MARKS.get("main");
    return main == null ? Map.of() : Map.of(SUPERVISOR_MAIN_ENV, Long.toString(main));
  }

  /**
   * CPU time (user + system, all threads) a process has used, in ms, with the kernel's 10 ms
   * resolution; 0 when /proc cannot tell. Beside the wall-clock start-up, this is its cost in CPU,
   * which a loaded machine does not inflate much: the supervisor's is added in a worker.
   */
  static long cpuMillis(String[] stat) {
    if (stat.length <= STIME) {
      return 0;
    }
    return (Long.parseLong(stat[UTIME]) + Long.parseLong(stat[STIME])) * MILLIS_PER_TICK;
  }
}
