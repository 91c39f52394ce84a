package io.imagebatch.runner.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Kubernetes keeps at most 4096 bytes of a termination message; the summary must fit. */
class TerminationMessageTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aSmallSummaryIsWrittenAsItIs() throws Exception {
    ObjectNode message = summary(3, "broken");

    JsonNode fitted = JSON.readTree(TerminationMessage.fit(message));

    assertThat(fitted).isEqualTo(message);
    assertThat(fitted.has("failuresTruncated")).isFalse();
  }

  @Test
  void manyLongFailuresAreCutToFitAndTheCountsAreKept() throws Exception {
    // Multi-byte text: the limit is in bytes, not characters.
    ObjectNode message = summary(500, "ü".repeat(1000));

    String text = TerminationMessage.fit(message);
    JsonNode fitted = JSON.readTree(text);

    assertThat(text.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(TerminationMessage.LIMIT);
    assertThat(fitted.path("failuresTruncated").asBoolean()).isTrue();
    assertThat(fitted.path("failed").asLong()).isEqualTo(500);
    assertThat(fitted.path("succeeded").asLong()).isEqualTo(1500);
    ArrayNode failures = (ArrayNode) fitted.path("failures");
    assertThat(failures).isNotEmpty().hasSizeLessThan(500);
    // The first failures are the ones kept, in order, each message cut to 200 characters + "…".
    for (int i = 0; i < failures.size(); i++) {
      assertThat(failures.get(i).path("source").asText()).isEqualTo("photos/" + i + ".jpg");
      assertThat(failures.get(i).path("message").asText()).hasSize(201).endsWith("…");
    }
  }

  @Test
  void theInputIsNotChanged() {
    ObjectNode message = summary(500, "x".repeat(1000));

    TerminationMessage.fit(message);

    assertThat(message.path("failures")).hasSize(500);
    assertThat(message.has("failuresTruncated")).isFalse();
  }

  @Test
  void aSummaryThatCannotFitEvenWithoutFailuresIsRefused() {
    ObjectNode message = summary(0, "");
    message.put("manifest", "s3://bucket/" + "k".repeat(5000));

    assertThatThrownBy(() -> TerminationMessage.fit(message))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("termination message cannot fit 4096 bytes");
  }

  private static ObjectNode summary(int failures, String text) {
    ObjectNode message = JSON.createObjectNode();
    message.put("kind", "shard");
    message.put("succeeded", 1500);
    message.put("failed", failures);
    ArrayNode list = message.putArray("failures");
    for (int i = 0; i < failures; i++) {
      list.addObject()
          .put("source", "photos/" + i + ".jpg")
          .put("reason", "CorruptInput")
          .put("message", text);
    }
    return message;
  }
}
