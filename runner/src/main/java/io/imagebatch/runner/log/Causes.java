package io.imagebatch.runner.log;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * What lies under an exception, one line per cause, for a log field. The AWS SDK's last message
 * ("Unable to execute HTTP request: ... (SDK Attempt Count: 6)") hides why each attempt failed; the
 * causes and the earlier attempts (suppressed exceptions) say it.
 */
public final class Causes {
  /** Enough for six SDK attempts and their causes; a longer chain adds nothing a reader uses. */
  static final int LIMIT = 16;

  private Causes() {}

  /** "Class: message" for each cause and suppressed exception under {@code top}, in order. */
  public static List<String> under(Throwable top) {
    List<String> lines = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.add(top);
    collect(top, seen, lines);
    return lines;
  }

  private static void collect(Throwable t, Set<Throwable> seen, List<String> lines) {
    for (Throwable suppressed : t.getSuppressed()) {
      add(suppressed, seen, lines);
    }
    add(t.getCause(), seen, lines);
  }

  private static void add(Throwable t, Set<Throwable> seen, List<String> lines) {
    if (t == null || lines.size() >= LIMIT || !seen.add(t)) {
      return;
    }
    lines.add(t.getClass().getName() + ": " + t.getMessage());
    collect(t, seen, lines);
  }
}
