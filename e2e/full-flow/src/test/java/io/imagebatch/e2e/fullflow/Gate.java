package io.imagebatch.e2e.fullflow;

import io.imagebatch.e2e.controlplane.node.CommandMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Holds each simulated pod's process at its start until the test lets one through: the mapped
 * command runs behind {@code read < fifo}, so a pod stays Running, and holds its Job's quota, until
 * {@link #release()} writes a line. No polling: the reader blocks in the kernel.
 */
final class Gate implements AutoCloseable {
  private final Path fifo;

  private Gate(Path fifo) {
    this.fifo = fifo;
  }

  static Gate create() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("imagebatch-gate-");
    Path fifo = dir.resolve("gate");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    if (mkfifo.waitFor() != 0) {
      throw new IllegalStateException("mkfifo " + fifo + " failed");
    }
    return new Gate(fifo);
  }

  /** {@code mapper}'s command line, started only once the gate lets it through. */
  CommandMapper holding(CommandMapper mapper) {
    return (container, command, args) -> {
      List<String> line =
          new ArrayList<>(List.of("sh", "-c", "read go < \"$0\" && exec \"$@\"", fifo.toString()));
      line.addAll(mapper.commandLine(container, command, args));
      return line;
    };
  }

  /** Lets the one held process through (waits up to a minute for one to be held). */
  void release() throws InterruptedException {
    try {
      CompletableFuture.runAsync(
              () -> {
                try {
                  Files.writeString(fifo, "go\n", StandardCharsets.UTF_8);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .get(1, TimeUnit.MINUTES);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("no pod was held at the gate " + fifo, e);
    }
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(fifo);
    Files.deleteIfExists(fifo.getParent());
  }
}
