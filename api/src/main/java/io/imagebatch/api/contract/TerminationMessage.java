package io.imagebatch.api.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one JSON mapping of a {@link RunnerSummary}: the runner encodes it into its termination
 * message, the operator decodes it from the pod's status. Kubernetes keeps at most {@link #LIMIT}
 * bytes of a termination message, so encoding fits a shard's summary into it: failure messages are
 * cut to {@value #MESSAGE_CHARACTERS} characters, then failures dropped from the end, and {@code
 * failuresTruncated} says so. Counts are never dropped.
 */
public final class TerminationMessage {
  /** Bytes of a termination message Kubernetes keeps. */
  public static final int LIMIT = 4096;

  /** A failure's message is cut to this many characters (plus "…") when the summary is too big. */
  static final int MESSAGE_CHARACTERS = 200;

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final ObjectWriter WRITER = JSON.writerFor(RunnerSummary.class);
  private static final ObjectReader READER = JSON.readerFor(RunnerSummary.class);

  private TerminationMessage() {}

  /**
   * The summary as JSON of at most {@link #LIMIT} bytes.
   *
   * @throws IllegalStateException when even a summary without failures cannot fit
   */
  public static String encode(RunnerSummary summary) {
    String text = json(summary);
    if (fits(text)) {
      return text;
    }
    if (summary instanceof ShardSummary shard) {
      List<ShardSummary.Failure> kept = new ArrayList<>();
      for (ShardSummary.Failure failure : shard.failures()) {
        kept.add(shortened(failure));
      }
      text = json(shard.withFailures(kept));
      while (!fits(text) && !kept.isEmpty()) {
        kept.removeLast();
        text = json(shard.withFailures(kept));
      }
      if (fits(text)) {
        return text;
      }
    }
    throw new IllegalStateException("termination message cannot fit " + LIMIT + " bytes");
  }

  /** The summary in {@code text}; empty when it is not a summary (a crash's log tail, say). */
  public static Optional<RunnerSummary> decode(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(READER.readValue(text.strip()));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  public static Optional<PlanSummary> plan(String text) {
    return decode(text).filter(PlanSummary.class::isInstance).map(PlanSummary.class::cast);
  }

  public static Optional<ShardSummary> shard(String text) {
    return decode(text).filter(ShardSummary.class::isInstance).map(ShardSummary.class::cast);
  }

  private static ShardSummary.Failure shortened(ShardSummary.Failure failure) {
    String message = failure.message();
    if (message == null || message.codePointCount(0, message.length()) <= MESSAGE_CHARACTERS) {
      return failure;
    }
    String cut = message.substring(0, message.offsetByCodePoints(0, MESSAGE_CHARACTERS)) + "…";
    return new ShardSummary.Failure(failure.source(), failure.reason(), cut);
  }

  private static boolean fits(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length <= LIMIT;
  }

  private static String json(RunnerSummary summary) {
    try {
      return WRITER.writeValueAsString(summary);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
