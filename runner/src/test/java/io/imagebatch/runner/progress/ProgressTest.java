package io.imagebatch.runner.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagebatch.runner.local.RunStats;
import io.imagebatch.runner.log.Log;
import io.imagebatch.runner.pipeline.ImageResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private static final String DONE_ONE_OF_TWO = "\"done\":1,\"total\":2,";
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);
  private final RunStats stats = new RunStats();
  private final Log previous = Log.get();

  @AfterEach
  void restoreLog() {
    Log.set(previous);
  }

  @Test
  void onATerminalABarShowsCountRateAndFailures() {
    try (Progress progress = new Progress(stats, true, out, Duration.ofSeconds(5))) {
      for (int i = 0; i < 4; i++) {
        progress.listed();
      }
      progress.listingDone();
      stats.add(succeeded("a.jpg"));
      stats.add(failed("b.jpg"));
      progress.imageDone();
    }

    String text = captured.toString(StandardCharsets.UTF_8);
    assertThat(text).startsWith("\r[");
    assertThat(text)
        .endsWith("\n")
        .containsPattern("\\[#{15}-{15}\\] 2/4 \\d+\\.\\d img/s( ETA \\d+:\\d\\d)? failed 1\n$");
  }

  @Test
  void aLogLineOnATerminalTakesTheBarsPlaceAndTheBarIsRedrawnBelowIt() {
    Log.set(new Log(Log.Format.TEXT, System.Logger.Level.INFO, out));
    try (Progress progress = new Progress(stats, true, out, Duration.ofSeconds(5))) {
      progress.listed();
      progress.listed();
      stats.add(succeeded("a.jpg"));
      progress.imageDone();
      Log.warn("libvips warning", "message", "unknown EXIF resolution unit");
    }

    String text = captured.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .matches(
            "(?s)\\r\\[#{15}-{15}\\] 1/2\\+ [^\\r\\n]*"
                + "\\r\\033\\[K\\d\\d:\\d\\d:\\d\\d WARN  libvips warning"
                + " message=unknown EXIF resolution unit\n"
                + "\\r\\[#{15}-{15}\\] 1/2\\+ [^\\r\\n]*"
                + "\\r\\[#{15}-{15}\\] 1/2\\+ [^\\r\\n]*\n");
  }

  @Test
  void whileTheListingRunsTheTotalIsOpen() {
    try (Progress progress = new Progress(stats, true, out, Duration.ofSeconds(5))) {
      progress.listed();
      progress.listed();
      stats.add(succeeded("a.jpg"));
      progress.imageDone();
    }

    assertThat(captured.toString(StandardCharsets.UTF_8)).contains("] 1/2+ ").doesNotContain("ETA");
  }

  @Test
  void offATerminalItLogsAProgressLinePeriodically() throws Exception {
    Log.set(new Log(Log.Format.JSON, System.Logger.Level.INFO, out));
    try (Progress progress = new Progress(stats, false, out, Duration.ofMillis(20))) {
      progress.listed();
      progress.listed();
      progress.listingDone();
      stats.add(succeeded("a.jpg"));
      // The ticker may log before the counts change; wait for a line that shows them.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> captured.toString(StandardCharsets.UTF_8).contains(DONE_ONE_OF_TWO));
    }

    String line =
        captured
            .toString(StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.contains(DONE_ONE_OF_TWO))
            .findFirst()
            .orElseThrow();
    JsonNode event = new ObjectMapper().readTree(line);
    assertThat(event.path("msg").asText()).isEqualTo("progress");
    assertThat(event.path("done").asLong()).isEqualTo(1);
    assertThat(event.path("total").asLong()).isEqualTo(2);
    assertThat(event.path("failed").asLong()).isZero();
    assertThat(event.has("imagesPerSecond")).isTrue();
    assertThat(event.has("etaSeconds")).isTrue();
    // No terminal, so no bar: every line is a JSON object.
    assertThat(captured.toString(StandardCharsets.UTF_8).lines()).allMatch(l -> l.startsWith("{"));
  }

  private static ImageResult succeeded(String source) {
    return new ImageResult(
        source, ImageResult.Status.succeeded, null, null, 10L, null, 1, 1, 1, List.of());
  }

  private static ImageResult failed(String source) {
    return new ImageResult(
        source,
        ImageResult.Status.failed,
        io.imagebatch.runner.pipeline.FailureReason.CorruptInput,
        "truncated",
        10L,
        null,
        null,
        null,
        1,
        List.of());
  }
}
