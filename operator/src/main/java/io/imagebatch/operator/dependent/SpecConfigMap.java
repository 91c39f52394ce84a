package io.imagebatch.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.imagebatch.api.v1alpha1.ImageBatch;
import java.net.HttpURLConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The ConfigMap {@code <batch>-spec}: key {@code batch.yaml} holds the ImageBatch as stored (spec
 * with the schema's defaults applied by the API server), which runner pods mount read-only at
 * {@code /etc/imagebatch/}. One per batch, rewritten when the generation changes.
 */
public final class SpecConfigMap {
  public static final String KEY = "batch.yaml";
  public static final String MOUNT_DIR = "/etc/imagebatch";
  public static final String PATH = MOUNT_DIR + "/" + KEY;

  private SpecConfigMap() {}

  public static String name(ImageBatch batch) {
    return batch.getMetadata().getName() + "-spec";
  }

  public static ConfigMap desired(Run run, KubernetesClient client) {
    ImageBatch batch = run.batch();
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name(batch))
        .withNamespace(batch.getMetadata().getNamespace())
        .withLabels(Labels.of(run, Labels.SPEC))
        .withOwnerReferences(Labels.owner(batch))
        .endMetadata()
        .withData(Map.of(KEY, batchYaml(run, client)))
        .build();
  }

  /** The full ImageBatch the runner reads: apiVersion, kind, identifying metadata and the spec. */
  static String batchYaml(Run run, KubernetesClient client) {
    ImageBatch batch = run.batch();
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", batch.getMetadata().getName());
    metadata.put("namespace", batch.getMetadata().getNamespace());
    metadata.put("generation", run.generation());
    metadata.put("uid", batch.getMetadata().getUid());
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("apiVersion", batch.getApiVersion());
    document.put("kind", batch.getKind());
    document.put("metadata", metadata);
    document.put("spec", batch.getSpec());
    return client.getKubernetesSerialization().asYaml(document);
  }

  /** Creates the ConfigMap, or brings its content up to date; no write when it already is. */
  public static void reconcile(Run run, Optional<ConfigMap> existing, KubernetesClient client) {
    ImageBatch batch = run.batch();
    ConfigMap desired = desired(run, client);
    if (existing.isEmpty()) {
      try {
        client.resource(desired).create();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
      }
    } else if (Objects.equals(existing.get().getData(), desired.getData())
        && Objects.equals(
            existing.get().getMetadata().getLabels(), desired.getMetadata().getLabels())) {
      return;
    }
    client
        .configMaps()
        .inNamespace(batch.getMetadata().getNamespace())
        .withName(name(batch))
        .edit(
            current -> {
              current.setData(desired.getData());
              current.getMetadata().setLabels(desired.getMetadata().getLabels());
              return current;
            });
  }
}
