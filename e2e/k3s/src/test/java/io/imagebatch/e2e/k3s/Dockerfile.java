package io.imagebatch.e2e.k3s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The images a Dockerfile builds on: its FROM lines, with the global ARG defaults filled in and
 * short names qualified the way Docker and podman resolve them (debian:bookworm-slim is
 * docker.io/library/debian:bookworm-slim). A FROM naming an earlier stage is not a base image; one
 * naming an ARG without a default stays as written (${NAME}).
 */
record Dockerfile(Set<String> baseImages) {

  private static final Pattern ARG = Pattern.compile("(?i)^ARG\\s+(\\w+)=(\\S+)\\s*$");
  private static final Pattern FROM =
      Pattern.compile("(?i)^FROM\\s+(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+AS\\s+(\\S+))?\\s*$");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)");

  static Dockerfile read(Path file) throws IOException {
    Map<String, String> args = new HashMap<>();
    Set<String> stages = new HashSet<>();
    Set<String> bases = new LinkedHashSet<>();
    boolean beforeFirstFrom = true;
    for (String raw : Files.readAllLines(file)) {
      String line = raw.strip();
      Matcher arg = ARG.matcher(line);
      if (beforeFirstFrom && arg.matches()) {
        args.put(arg.group(1), arg.group(2));
      }
      Matcher from = FROM.matcher(line);
      if (from.matches()) {
        beforeFirstFrom = false;
        String image = substitute(from.group(1), args);
        if (!stages.contains(image)) {
          bases.add(qualified(image));
        }
        if (from.group(2) != null) {
          stages.add(from.group(2));
        }
      }
    }
    return new Dockerfile(bases);
  }

  private static String substitute(String text, Map<String, String> args) {
    Matcher variable = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (variable.find()) {
      String name = variable.group(1) != null ? variable.group(1) : variable.group(2);
      String value = args.getOrDefault(name, variable.group());
      variable.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    return variable.appendTail(out).toString();
  }

  /** Docker's normalisation of a reference: the registry and, on Docker Hub, "library/". */
  static String qualified(String image) {
    if (image.startsWith("$")) {
      return image;
    }
    int slash = image.indexOf('/');
    String first = slash < 0 ? "" : image.substring(0, slash);
    boolean hasRegistry = first.contains(".") || first.contains(":") || first.equals("localhost");
    if (hasRegistry) {
      return image;
    }
    return "docker.io/" + (slash < 0 ? "library/" : "") + image;
  }
}
