package io.imagebatch.runner.config;

import io.imagebatch.api.v1alpha1.Format;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** output.pathTemplate: where each variant of each source is written, relative to the output. */
public final class PathTemplate {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
  private static final Set<String> KNOWN =
      Set.of("dir", "stem", "name", "variant", "format", "ext");

  private final String template;

  private PathTemplate(String template) {
    this.template = template;
  }

  public static PathTemplate parse(String template) {
    List<String> problems = problems(template);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new PathTemplate(template);
  }

  /** What is wrong with a template, for the validator; empty when it is fine. */
  public static List<String> problems(String template) {
    List<String> problems = new ArrayList<>();
    Set<String> used = new java.util.HashSet<>();
    Matcher matcher = PLACEHOLDER.matcher(template);
    while (matcher.find()) {
      if (!KNOWN.contains(matcher.group(1))) {
        problems.add(
            "unknown placeholder {"
                + matcher.group(1)
                + "}; known: "
                + KNOWN.stream().sorted().toList());
      }
      used.add(matcher.group(1));
    }
    if (!used.contains("stem") && !used.contains("name")) {
      problems.add("must contain {stem} or {name}, or every source writes the same file");
    }
    if (!used.contains("variant")) {
      problems.add("must contain {variant}, or the variants overwrite each other");
    }
    if (!used.contains("format") && !used.contains("ext")) {
      problems.add("must contain {format} or {ext}, or the formats overwrite each other");
    }
    if (template.startsWith("/")) {
      problems.add("must be relative to the output root");
    }
    for (String segment : template.split("/")) {
      if (segment.equals("..")) {
        problems.add("must not contain '..'");
      }
    }
    return problems;
  }

  /**
   * The output path for a source key (its path relative to the source root, '/'-separated). Empty
   * segments collapse, so a source at the root gives "a-thumb.webp", not "/a-thumb.webp".
   */
  public String render(String sourceKey, String variant, Format format) {
    int slash = sourceKey.lastIndexOf('/');
    String dir = slash < 0 ? "" : sourceKey.substring(0, slash);
    String name = sourceKey.substring(slash + 1);
    int dot = name.lastIndexOf('.');
    String stem = dot <= 0 ? name : name.substring(0, dot);
    String rendered =
        template
            .replace("{dir}", dir)
            .replace("{stem}", stem)
            .replace("{name}", name)
            .replace("{variant}", variant)
            .replace("{format}", format.yamlName())
            .replace("{ext}", format.extension());
    List<String> segments = new ArrayList<>();
    for (String segment : rendered.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        throw new EscapesRootException(sourceKey);
      }
      segments.add(segment);
    }
    return String.join("/", segments);
  }

  /** A source key whose outputs would land outside the output root (a {@code ..} segment). */
  public static final class EscapesRootException extends IllegalArgumentException {
    EscapesRootException(String sourceKey) {
      super("source key " + sourceKey + " escapes the output root");
    }
  }
}
