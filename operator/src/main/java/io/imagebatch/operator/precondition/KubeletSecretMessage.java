package io.imagebatch.operator.precondition;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads which Secret (and key) a kubelet could not find from the message of a container waiting
 * with {@code CreateContainerConfigError}. The operator has no access to Secrets, so this message
 * is the only way it learns that a {@code credentialsSecret} is missing.
 *
 * <p>The kubelet's wording (pkg/kubelet/kubelet_pods.go, makeEnvironmentVariables):
 *
 * <ul>
 *   <li>{@code secret "s3-creds" not found} (the Secret does not exist; {@code secrets "…"} when
 *       the API server's NotFound is passed through)
 *   <li>{@code couldn't find key AWS_ACCESS_KEY_ID in Secret ns/s3-creds} (the Secret lacks a
 *       non-optional key)
 * </ul>
 */
public final class KubeletSecretMessage {
  /** The waiting reason a kubelet gives a container whose environment cannot be built. */
  public static final String CREATE_CONTAINER_CONFIG_ERROR = "CreateContainerConfigError";

  private static final Pattern SECRET_NOT_FOUND =
      Pattern.compile("\\bsecrets? \"([^\"]+)\" not found");
  private static final Pattern KEY_NOT_FOUND =
      Pattern.compile("couldn't find key (\\S+) in Secret (?:([^/\\s]+)/)?([^/\\s]+)");

  private KubeletSecretMessage() {}

  /**
   * @param namespace the Secret's namespace when the message names one
   * @param key the missing key, when the Secret exists but lacks it
   */
  public record MissingSecret(String name, Optional<String> namespace, Optional<String> key) {}

  /** The Secret the message says is missing; empty for any other message. */
  public static Optional<MissingSecret> parse(String message) {
    if (message == null) {
      return Optional.empty();
    }
    Matcher key = KEY_NOT_FOUND.matcher(message);
    if (key.find()) {
      return Optional.of(
          new MissingSecret(
              key.group(3), Optional.ofNullable(key.group(2)), Optional.of(key.group(1))));
    }
    Matcher secret = SECRET_NOT_FOUND.matcher(message);
    if (secret.find()) {
      return Optional.of(new MissingSecret(secret.group(1), Optional.empty(), Optional.empty()));
    }
    return Optional.empty();
  }
}
