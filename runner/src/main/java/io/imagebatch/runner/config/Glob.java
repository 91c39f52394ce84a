package io.imagebatch.runner.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * include/exclude globs over '/'-separated keys: {@code *} and {@code ?} stay within a segment,
 * {@code **}{@code /} matches any number of directories (including none), {@code [..]} is a class.
 * Matching ignores case, since cameras write .JPG as often as .jpg.
 */
public final class Glob {
  private final String glob;
  private final Pattern pattern;

  private Glob(String glob, Pattern pattern) {
    this.glob = glob;
    this.pattern = pattern;
  }

  public static Glob compile(String glob) {
    StringBuilder regex = new StringBuilder("^");
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        boolean slashFollows = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
        regex.append(slashFollows ? "(?:.*/)?" : ".*");
        i += slashFollows ? 2 : 1;
      } else if (c == '*') {
        regex.append("[^/]*");
      } else if (c == '?') {
        regex.append("[^/]");
      } else if (c == '[') {
        int end = glob.indexOf(']', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("unclosed '[' in glob " + glob);
        }
        String body = glob.substring(i + 1, end).replace("\\", "\\\\");
        regex.append('[').append(body.startsWith("!") ? "^" + body.substring(1) : body).append(']');
        i = end;
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return new Glob(glob, Pattern.compile(regex.append('$').toString(), Pattern.CASE_INSENSITIVE));
  }

  /** The glob as written. */
  @Override
  public String toString() {
    return glob;
  }

  public boolean matches(String key) {
    return pattern.matcher(key).matches();
  }

  /** include minus exclude, as one predicate. */
  public record Filter(List<Glob> include, List<Glob> exclude) {
    public static Filter of(List<String> include, List<String> exclude) {
      return new Filter(
          include.stream().map(Glob::compile).toList(),
          exclude.stream().map(Glob::compile).toList());
    }

    public boolean accepts(String key) {
      return include.stream().anyMatch(g -> g.matches(key))
          && exclude.stream().noneMatch(g -> g.matches(key));
    }
  }
}
