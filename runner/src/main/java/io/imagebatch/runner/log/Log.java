package io.imagebatch.runner.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Structured logging: JSON lines where machines read them (pods, files, pipes), short readable
 * lines on a terminal. Fields are key/value pairs, so both forms carry the same facts.
 */
public final class Log {
  public enum Format {
    TEXT,
    JSON
  }

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static volatile Log instance = fromEnvironment();
  private static volatile StatusLine statusLine;

  /**
   * A line kept below the log on a terminal, such as a progress bar: cleared before each log line
   * and drawn again after it, so log lines never break it.
   */
  public interface StatusLine {
    void clear();

    void redraw();
  }

  /** Keeps {@code line} below the log from now on; null: none. */
  public static void statusLine(StatusLine line) {
    statusLine = line;
  }

  private final Format format;
  private final System.Logger.Level threshold;
  private final PrintStream out;

  public Log(Format format, System.Logger.Level threshold, PrintStream out) {
    this.format = format;
    this.threshold = threshold;
    this.out = out;
  }

  static Log fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /** IMAGEBATCH_LOG_FORMAT (text|json; default: text on a terminal, json otherwise). */
  public static Log fromEnvironment(java.util.Map<String, String> env) {
    String format = env.get("IMAGEBATCH_LOG_FORMAT");
    boolean terminal = System.console() != null && System.console().isTerminal();
    Format chosen =
        format == null || format.isBlank()
            ? (terminal ? Format.TEXT : Format.JSON)
            : Format.valueOf(format.strip().toUpperCase(Locale.ROOT));
    String level = env.get("IMAGEBATCH_LOG_LEVEL");
    System.Logger.Level threshold =
        level == null || level.isBlank()
            ? System.Logger.Level.INFO
            : System.Logger.Level.valueOf(level.strip().toUpperCase(Locale.ROOT));
    return new Log(chosen, threshold, System.out);
  }

  public static Log get() {
    return instance;
  }

  public static void set(Log log) {
    instance = log;
  }

  public Format format() {
    return format;
  }

  public boolean enabled(System.Logger.Level level) {
    return level.getSeverity() >= threshold.getSeverity();
  }

  public static void info(String message, Object... fields) {
    instance.log(System.Logger.Level.INFO, "runner", message, fields);
  }

  public static void warn(String message, Object... fields) {
    instance.log(System.Logger.Level.WARNING, "runner", message, fields);
  }

  public static void error(String message, Object... fields) {
    instance.log(System.Logger.Level.ERROR, "runner", message, fields);
  }

  public static void debug(String message, Object... fields) {
    instance.log(System.Logger.Level.DEBUG, "runner", message, fields);
  }

  /** Logs one event; {@code fields} alternate key and value. */
  public void log(System.Logger.Level level, String logger, String message, Object... fields) {
    if (!enabled(level)) {
      return;
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < fields.length; i += 2) {
      map.put(String.valueOf(fields[i]), fields[i + 1]);
    }
    String line =
        format == Format.JSON ? json(level, logger, message, map) : text(level, message, map);
    StatusLine status = statusLine;
    synchronized (out) {
      if (status != null) {
        status.clear();
      }
      out.println(line);
      out.flush();
      if (status != null) {
        status.redraw();
      }
    }
  }

  private static String json(
      System.Logger.Level level, String logger, String message, Map<String, Object> fields) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("time", Instant.now().toString());
    event.put("level", level.getName());
    event.put("logger", logger);
    event.put("msg", message);
    event.putAll(fields);
    try {
      return JSON.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      return "{\"level\":\"ERROR\",\"msg\":\"unloggable event\"}";
    }
  }

  private static String text(
      System.Logger.Level level, String message, Map<String, Object> fields) {
    StringBuilder line =
        new StringBuilder(CLOCK.format(Instant.now()))
            .append(' ')
            .append(
                String.format(
                    "%-5s", level == System.Logger.Level.WARNING ? "WARN" : level.getName()))
            .append(' ')
            .append(message);
    fields.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
    return line.toString();
  }
}
