package io.imagebatch.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads manifests the way a user would: one JSON object per line. */
public final class Manifests {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Manifests() {}

  /** The manifest of a local run of a {@link BatchYaml} batch whose output is {@code out/}. */
  public static List<JsonNode> local(Path batchDir) {
    return lines(batchDir.resolve("out/_imagebatch/test/local/manifest/local.jsonl"));
  }

  public static List<JsonNode> lines(Path file) {
    try {
      List<JsonNode> lines = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        lines.add(JSON.readTree(line));
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** "reason: message" of a failed line, "succeeded" or "skipped" otherwise. */
  public static String outcome(JsonNode line) {
    String status = line.get("status").asText();
    return status.equals("failed")
        ? line.get("reason").asText() + ": " + line.get("message").asText()
        : status;
  }
}
