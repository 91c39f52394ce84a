package io.imagebatch.operator.condition;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.HttpSource.ConfigMapKeyRef;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.operator.dependent.RunnerPodTemplate;
import java.util.Optional;

/**
 * The ConfigMap key {@code source.http.urlsFrom} names exists: the runner pods mount it as their
 * URL list, and without it they would never start (the kubelet cannot mount a missing key).
 */
public final class UrlsConfigMapExists implements Precondition {
  public static final String CONFIG_MAP_NOT_FOUND = "ConfigMapNotFound";
  public static final String CONFIG_MAP_KEY_NOT_FOUND = "ConfigMapKeyNotFound";
  private static final String FIELD = "spec.source.http.urlsFrom.configMapKeyRef";

  @Override
  public Optional<Unmet> check(ImageBatch batch, KubernetesClient client) {
    Optional<ConfigMapKeyRef> ref = RunnerPodTemplate.urlsFrom(batch);
    if (ref.isEmpty()) {
      return Optional.empty();
    }
    String namespace = batch.getMetadata().getNamespace();
    ConfigMap map = client.configMaps().inNamespace(namespace).withName(ref.get().name()).get();
    return check(map, ref.get(), namespace);
  }

  static Optional<Unmet> check(ConfigMap map, ConfigMapKeyRef ref, String namespace) {
    String named = "ConfigMap \"" + ref.name() + "\" (" + FIELD + ".name)";
    if (map == null) {
      return Optional.of(
          new Unmet(
              CONFIG_MAP_NOT_FOUND,
              named
                  + " not found in namespace \""
                  + namespace
                  + "\": create it with key \""
                  + ref.key()
                  + "\" listing one URL per line, or change "
                  + FIELD));
    }
    boolean hasKey =
        (map.getData() != null && map.getData().containsKey(ref.key()))
            || (map.getBinaryData() != null && map.getBinaryData().containsKey(ref.key()));
    if (!hasKey) {
      return Optional.of(
          new Unmet(
              CONFIG_MAP_KEY_NOT_FOUND,
              named
                  + " in namespace \""
                  + namespace
                  + "\" has no key \""
                  + ref.key()
                  + "\" ("
                  + FIELD
                  + ".key): add it, listing one URL per line"));
    }
    return Optional.empty();
  }
}
