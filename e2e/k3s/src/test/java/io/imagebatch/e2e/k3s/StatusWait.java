package io.imagebatch.e2e.k3s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Waits, with Awaitility, for a custom resource's status: a condition turning True, or a field
 * taking a value. A terminal condition that can no longer lead there stops the wait at once, and a
 * timeout shows the last status seen, so a failed run says what the operator reported.
 */
record StatusWait(KubernetesClient client, ResourceDefinitionContext kind, String namespace) {

  private static final Duration POLL = Duration.ofSeconds(2);

  /** Waits until condition type is True; fails as soon as failFastType is True. */
  GenericKubernetesResource untilCondition(
      String name, String type, String failFastType, Duration atMost) {
    await(kind.getKind() + " " + name + " condition " + type)
        .atMost(atMost)
        .pollInterval(POLL)
        .failFast(
            kind.getKind() + " " + name + " has condition " + failFastType,
            () -> conditionTrue(get(name), failFastType))
        .untilAsserted(
            () ->
                assertThat(conditionTrue(get(name), type))
                    .as("%s is True in %s", type, status(get(name)))
                    .isTrue());
    return get(name);
  }

  /** Waits until the status field at path (below status) equals value. */
  GenericKubernetesResource untilStatusField(
      String name, List<String> path, Object value, String failFastType, Duration atMost) {
    await(kind.getKind() + " " + name + " status." + String.join(".", path))
        .atMost(atMost)
        .pollInterval(POLL)
        .failFast(
            kind.getKind() + " " + name + " has condition " + failFastType,
            () -> conditionTrue(get(name), failFastType))
        .untilAsserted(
            () ->
                assertThat(statusField(get(name), path))
                    .as("status.%s in %s", String.join(".", path), status(get(name)))
                    .isEqualTo(value));
    return get(name);
  }

  static Object statusField(GenericKubernetesResource resource, List<String> path) {
    if (resource == null) {
      return null;
    }
    Object[] full = new Object[path.size() + 1];
    full[0] = "status";
    for (int i = 0; i < path.size(); i++) {
      full[i + 1] = path.get(i);
    }
    return resource.get(full);
  }

  private GenericKubernetesResource get(String name) {
    return client.genericKubernetesResources(kind).inNamespace(namespace).withName(name).get();
  }

  private static Object status(GenericKubernetesResource resource) {
    return resource == null ? "(not found)" : resource.getAdditionalProperties().get("status");
  }

  private static boolean conditionTrue(GenericKubernetesResource resource, String type) {
    if (resource == null || !(statusField(resource, List.of("conditions")) instanceof List<?> l)) {
      return false;
    }
    return l.stream()
        .filter(Map.class::isInstance)
        .map(Map.class::cast)
        .anyMatch(c -> type.equals(c.get("type")) && Objects.equals("True", c.get("status")));
  }
}
