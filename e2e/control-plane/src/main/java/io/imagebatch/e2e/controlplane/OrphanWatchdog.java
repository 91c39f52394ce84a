package io.imagebatch.e2e.controlplane;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Kills the control-plane processes if the test JVM dies without running its shutdown hook
 * (SIGKILL, a forked-JVM timeout), so no etcd or apiserver outlives the build. A tiny shell loop,
 * because Java cannot ask Linux to signal children on parent death.
 */
public final class OrphanWatchdog implements AutoCloseable {

  private static final String SCRIPT =
      "jvm=$1; shift; while kill -0 \"$jvm\" 2>/dev/null; do sleep 2; done;"
          + " kill \"$@\" 2>/dev/null; sleep 5; kill -9 \"$@\" 2>/dev/null";

  private final Process process;

  private OrphanWatchdog(Process process) {
    this.process = process;
  }

  public static OrphanWatchdog watch(List<Long> pids) throws IOException {
    List<String> command = new ArrayList<>(List.of("sh", "-c", SCRIPT, "watchdog"));
    command.add(String.valueOf(ProcessHandle.current().pid()));
    pids.forEach(pid -> command.add(String.valueOf(pid)));
    return new OrphanWatchdog(
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start());
  }

  @Override
  public void close() {
    process.destroy();
  }
}
