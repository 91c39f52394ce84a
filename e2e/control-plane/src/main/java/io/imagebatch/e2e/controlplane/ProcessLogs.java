package io.imagebatch.e2e.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Log tails for error messages: a failed start should explain itself without digging. */
public final class ProcessLogs {

  private ProcessLogs() {}

  public static String tail(Path file, int lines) {
    if (!Files.exists(file)) {
      return "(no log at " + file + ")";
    }
    try {
      List<String> all =
          List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n"));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
