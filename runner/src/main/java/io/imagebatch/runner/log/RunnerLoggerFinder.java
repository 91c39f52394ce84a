package io.imagebatch.runner.log;

import java.text.MessageFormat;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/** Routes System.Logger (used by the vips binding) into the runner's structured log. */
public final class RunnerLoggerFinder extends System.LoggerFinder {
  @Override
  public System.Logger getLogger(String name, Module module) {
    return new Adapter(name);
  }

  private record Adapter(String name) implements System.Logger {
    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean isLoggable(Level level) {
      return level != Level.OFF && Log.get().enabled(level);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
      if (isLoggable(level)) {
        Log.get()
            .log(
                level,
                name,
                message,
                thrown == null ? new Object[0] : new Object[] {"error", thrown.toString()});
      }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      if (isLoggable(level)) {
        String message =
            params == null || params.length == 0 ? format : MessageFormat.format(format, params);
        Log.get().log(level, name, message);
      }
    }

    @Override
    public void log(Level level, Supplier<String> supplier) {
      if (isLoggable(level)) {
        Log.get().log(level, name, supplier.get());
      }
    }
  }
}
