package io.imagebatch.operator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The JVM flags and environment the operator image runs with, read from where the image gets them
 * ({@code quarkus.jib.jvm-additional-arguments} and {@code quarkus.jib.environment-variables.*} in
 * application.properties), so that a packaged operator measured outside a container runs as the pod
 * does.
 */
record ImageJvmSettings(List<String> arguments, Map<String, String> environment) {
  private static final String ARGUMENTS = "quarkus.jib.jvm-additional-arguments";
  private static final String ENVIRONMENT = "quarkus.jib.environment-variables.";

  static ImageJvmSettings load() {
    Properties properties = new Properties();
    try (InputStream in = ImageJvmSettings.class.getResourceAsStream("/application.properties")) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String arguments = properties.getProperty(ARGUMENTS, "");
    Map<String, String> environment = new TreeMap<>();
    properties.stringPropertyNames().stream()
        .filter(key -> key.startsWith(ENVIRONMENT))
        .forEach(
            key ->
                environment.put(key.substring(ENVIRONMENT.length()), properties.getProperty(key)));
    return new ImageJvmSettings(
        Arrays.stream(arguments.split(",")).map(String::strip).filter(a -> !a.isEmpty()).toList(),
        environment);
  }
}
