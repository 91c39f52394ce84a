package io.imagebatch.runner.log;

import java.io.Serial;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One SLF4J logger, writing through {@link Log} at the runner's level. */
final class RunnerSlf4jLogger extends LegacyAbstractLogger {
  @Serial private static final long serialVersionUID = 1L;

  RunnerSlf4jLogger(String name) {
    this.name = name;
  }

  @Override
  public boolean isTraceEnabled() {
    return Log.get().enabled(System.Logger.Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return Log.get().enabled(System.Logger.Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return Log.get().enabled(System.Logger.Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return Log.get().enabled(System.Logger.Level.WARNING);
  }

  @Override
  public boolean isErrorEnabled() {
    return Log.get().enabled(System.Logger.Level.ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String pattern, Object[] arguments, Throwable thrown) {
    String message = MessageFormatter.basicArrayFormat(pattern, arguments);
    Object[] fields = thrown == null ? new Object[0] : new Object[] {"error", thrown.toString()};
    Log.get().log(level(level), name, message, fields);
  }

  private static System.Logger.Level level(Level level) {
    return switch (level) {
      case TRACE -> System.Logger.Level.TRACE;
      case DEBUG -> System.Logger.Level.DEBUG;
      case INFO -> System.Logger.Level.INFO;
      case WARN -> System.Logger.Level.WARNING;
      case ERROR -> System.Logger.Level.ERROR;
    };
  }
}
