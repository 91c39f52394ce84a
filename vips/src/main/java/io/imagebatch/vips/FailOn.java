package io.imagebatch.vips;

import java.util.Locale;

/** libvips' fail_on: the least severe decode problem that fails a load. */
public enum FailOn {
  NONE,
  TRUNCATED,
  ERROR,
  WARNING;

  String nick() {
    return name().toLowerCase(Locale.ROOT);
  }
}
