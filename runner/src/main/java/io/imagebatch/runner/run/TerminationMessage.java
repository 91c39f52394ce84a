package io.imagebatch.runner.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pod's summary for the operator, in its termination message: JSON under Kubernetes' 4096 byte
 * limit. Failures are dropped from the end, and messages shortened, until it fits; {@code
 * failuresTruncated} says so.
 */
public final class TerminationMessage {
  public static final int LIMIT = 4096;
  private static final ObjectMapper JSON = new ObjectMapper();

  private TerminationMessage() {}

  /** Shrinks {@code message} (which may have a "failures" array) until it fits. */
  public static String fit(ObjectNode message) {
    ObjectNode copy = message.deepCopy();
    String text = write(copy);
    if (text.getBytes(StandardCharsets.UTF_8).length <= LIMIT) {
      return text;
    }
    copy.put("failuresTruncated", true);
    if (copy.get("failures") instanceof ArrayNode failures) {
      for (var failure : failures) {
        if (failure instanceof ObjectNode f && f.path("message").asText().length() > 200) {
          f.put("message", f.path("message").asText().substring(0, 200) + "…");
        }
      }
      while (!failures.isEmpty() && write(copy).getBytes(StandardCharsets.UTF_8).length > LIMIT) {
        failures.remove(failures.size() - 1);
      }
    }
    text = write(copy);
    if (text.getBytes(StandardCharsets.UTF_8).length > LIMIT) {
      throw new IllegalStateException("termination message cannot fit 4096 bytes");
    }
    return text;
  }

  /** Writes to IMAGEBATCH_TERMINATION_MESSAGE_PATH (default /dev/termination-log), if writable. */
  public static void write(ObjectNode message, Path file) throws IOException {
    String text = fit(message);
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  public static ObjectNode object() {
    return JSON.createObjectNode();
  }

  private static String write(ObjectNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
