package io.imagebatch.operator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The packaged operator as its Deployment keeps it: started again when it exits (a replica that
 * loses the Lease exits, as it may on a machine too busy to renew within 10 s). {@link #check()}
 * samples CPU time and peak RSS from /proc while each instance lives, for the scale measurements in
 * docs/benchmarks.md.
 */
final class SupervisedOperator implements AutoCloseable {
  private final String name;
  private final ChartServiceAccount account;
  private final String namespace;
  private final List<String> jvmOptions;
  private final Map<String, String> env;
  private final int maxRestarts;
  private PackagedOperator current;
  private Proc last = new Proc(0, 0);
  private double endedCpu;
  private long peak;
  private int restarts;

  SupervisedOperator(
      String name,
      ChartServiceAccount account,
      String namespace,
      List<String> jvmOptions,
      int maxRestarts)
      throws IOException {
    this(name, account, namespace, jvmOptions, Map.of(), maxRestarts);
  }

  /** As above, with {@code env} added to the process's environment. */
  SupervisedOperator(
      String name,
      ChartServiceAccount account,
      String namespace,
      List<String> jvmOptions,
      Map<String, String> env,
      int maxRestarts)
      throws IOException {
    this.name = name;
    this.account = account;
    this.namespace = namespace;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.env = Map.copyOf(env);
    this.maxRestarts = maxRestarts;
    this.current = start();
  }

  private PackagedOperator start() throws IOException {
    return PackagedOperator.start(
        name, account, namespace, "registry.example.com/runner:" + name, env, jvmOptions);
  }

  /** Samples the live instance, or starts a new one if it exited (at most maxRestarts times). */
  void check() throws Exception {
    if (current.isAlive()) {
      try {
        last = Proc.of(current.pid());
        peak = Math.max(peak, last.peakRssKib());
      } catch (IOException gone) {
        // exited between the two reads: the next check restarts it
      }
      return;
    }
    endedCpu += last.cpuSeconds();
    last = new Proc(0, 0);
    String log = current.log();
    current.close();
    if (restarts == maxRestarts) {
      throw new AssertionError(
          "the operator exited " + (restarts + 1) + " times; the last log:\n" + log);
    }
    current = start();
    restarts++;
  }

  /** User + system CPU seconds of every instance so far. */
  double cpuSeconds() {
    return endedCpu + last.cpuSeconds();
  }

  /** The largest VmHWM of any instance. */
  long peakRssKib() {
    return peak;
  }

  int restarts() {
    return restarts;
  }

  @Override
  public void close() throws Exception {
    current.close();
  }

  /** A process's CPU time and peak resident set, from /proc. */
  record Proc(double cpuSeconds, long peakRssKib) {
    static Proc of(long pid) throws IOException {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // utime and stime are fields 14 and 15 of stat, 12 and 13 after "pid (comm) ".
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      long peak =
          Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
              .filter(l -> l.startsWith("VmHWM:"))
              .map(l -> Long.parseLong(l.replaceAll("\\D+", "")))
              .findFirst()
              .orElse(0L);
      return new Proc(ticks / 100.0, peak);
    }
  }
}
