package io.imagebatch.e2e.controlplane;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/** The namespace a test owns; the extension creates it before and deletes it after the test. */
public record TestNamespace(String name) {

  /** A readable, unique, DNS-1123 name: prefix + the test method's name + a random suffix. */
  public static String uniqueName(String prefix, String testMethod) {
    String method =
        testMethod
            .replaceAll("([a-z])([A-Z])", "$1-$2")
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9-]", "-");
    if (method.length() > 40) {
      method = method.substring(0, 40);
    }
    String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
    return (prefix + "-" + method + "-" + suffix).replaceAll("-+", "-");
  }
}
