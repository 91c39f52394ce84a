package io.imagebatch.runner.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What libraries log through SLF4J (the AWS SDK, the HTTP client) is the runner's own log. */
class RunnerSlf4jProviderTest {
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final Log previous = Log.get();

  @AfterEach
  void restore() {
    Log.set(previous);
  }

  @Test
  void slf4jLinesBecomeJsonLinesOfTheRunnersLog() throws Exception {
    Log.set(
        new Log(
            Log.Format.JSON,
            System.Logger.Level.INFO,
            new PrintStream(captured, true, StandardCharsets.UTF_8)));

    LoggerFactory.getLogger("software.amazon.awssdk.retry")
        .warn("attempt {} of {} failed", 2, 6, new java.io.IOException("connection reset"));
    LoggerFactory.getLogger("org.apache.hc.client5").debug("not at INFO");

    String[] lines = captured.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(lines[0]);
    assertThat(line.path("level").asText()).isEqualTo("WARNING");
    assertThat(line.path("logger").asText()).isEqualTo("software.amazon.awssdk.retry");
    assertThat(line.path("msg").asText()).isEqualTo("attempt 2 of 6 failed");
    assertThat(line.path("error").asText()).isEqualTo("java.io.IOException: connection reset");
    assertThat(LoggerFactory.getLogger("any")).isInstanceOf(RunnerSlf4jLogger.class);
  }
}
