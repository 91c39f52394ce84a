package io.imagebatch.operator.workload;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.imagebatch.api.v1alpha1.ImageBatch;
import java.util.LinkedHashMap;
import java.util.Map;

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

  public static ConfigMap desired(Run run, KubernetesSerialization serialization) {
    ImageBatch batch = run.batch();
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name(batch))
        .withNamespace(batch.getMetadata().getNamespace())
        .withLabels(Labels.of(run, Labels.SPEC))
        .withOwnerReferences(Owners.controller(batch))
        .endMetadata()
        .withData(Map.of(KEY, batchYaml(run, serialization)))
        .build();
  }

  /** The full ImageBatch the runner reads: apiVersion, kind, identifying metadata and the spec. */
  static String batchYaml(Run run, KubernetesSerialization serialization) {
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
    return serialization.asYaml(document);
  }
}
