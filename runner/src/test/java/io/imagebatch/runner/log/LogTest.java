package io.imagebatch.runner.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pods get JSON lines that `kubectl logs` and log shippers read; terminals get short lines. */
class LogTest {
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);

  @Test
  void jsonLinesCarryTimeLevelLoggerMessageAndTheFields() throws Exception {
    Log log = new Log(Log.Format.JSON, System.Logger.Level.INFO, out);

    log.log(System.Logger.Level.INFO, "runner", "image done", "source", "a \"b\".jpg", "ms", 12);
    log.log(System.Logger.Level.WARNING, "vips", "odd header", "source", "c.png");

    String[] lines = text().split("\n");
    assertThat(lines).hasSize(2);
    JsonNode first = new ObjectMapper().readTree(lines[0]);
    assertThat(first.fieldNames())
        .toIterable()
        .containsExactly("time", "level", "logger", "msg", "source", "ms");
    assertThat(first.path("level").asText()).isEqualTo("INFO");
    assertThat(first.path("msg").asText()).isEqualTo("image done");
    assertThat(first.path("source").asText()).isEqualTo("a \"b\".jpg");
    assertThat(first.path("ms").asInt()).isEqualTo(12);
    assertThat(new ObjectMapper().readTree(lines[1]).path("level").asText()).isEqualTo("WARNING");
  }

  @Test
  void textLinesAreShortAndReadable() {
    Log log = new Log(Log.Format.TEXT, System.Logger.Level.INFO, out);

    log.log(System.Logger.Level.WARNING, "runner", "image failed", "reason", "CorruptInput");

    assertThat(text()).matches("\\d\\d:\\d\\d:\\d\\d WARN  image failed reason=CorruptInput\n");
  }

  @Test
  void debugLinesAppearOnlyAtDebugLevel() {
    new Log(Log.Format.JSON, System.Logger.Level.INFO, out)
        .log(System.Logger.Level.DEBUG, "runner", "image done");
    assertThat(text()).isEmpty();

    new Log(Log.Format.JSON, System.Logger.Level.DEBUG, out)
        .log(System.Logger.Level.DEBUG, "runner", "image done");
    assertThat(text()).contains("\"level\":\"DEBUG\"");
  }

  @Test
  void theEnvironmentChoosesFormatAndLevel() {
    Log log =
        Log.fromEnvironment(
            Map.of("IMAGEBATCH_LOG_FORMAT", "json", "IMAGEBATCH_LOG_LEVEL", "debug"));

    assertThat(log.format()).isEqualTo(Log.Format.JSON);
    assertThat(log.enabled(System.Logger.Level.DEBUG)).isTrue();
    assertThat(Log.fromEnvironment(Map.of("IMAGEBATCH_LOG_FORMAT", "text")).format())
        .isEqualTo(Log.Format.TEXT);
    assertThat(Log.fromEnvironment(Map.of()).enabled(System.Logger.Level.DEBUG)).isFalse();
  }

  private String text() {
    return captured.toString(StandardCharsets.UTF_8);
  }
}
