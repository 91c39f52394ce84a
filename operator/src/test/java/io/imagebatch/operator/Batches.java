package io.imagebatch.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.contract.PlanSummary;
import io.imagebatch.api.contract.ShardSummary;
import io.imagebatch.api.contract.TerminationMessage;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.e2e.controlplane.node.Outcome;
import io.imagebatch.e2e.controlplane.node.RunningPod;
import io.imagebatch.operator.dependent.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Test helpers: batches from YAML, the runner's messages, lookups. */
final class Batches {
  private Batches() {}

  static String yaml(String name, int imagesPerShard, String extraExecution) {
    return """
        apiVersion: imagebatch.io/v1alpha1
        kind: ImageBatch
        metadata:
          name: %s
        spec:
          source:
            s3: { bucket: raw, prefix: in/, credentialsSecret: s3-credentials }
          variants:
            - { name: thumb, width: 400, formats: [webp, avif] }
          output:
            s3: { bucket: derived, credentialsSecret: s3-credentials }
          execution:
            imagesPerShard: %d
            parallelism: 2
        %s
        """
        .formatted(name, imagesPerShard, extraExecution.indent(4).stripTrailing());
  }

  /** A batch reading from and writing to the PersistentVolumeClaim "uploads". */
  static String onClaim(String name) {
    return """
        apiVersion: imagebatch.io/v1alpha1
        kind: ImageBatch
        metadata: { name: %s }
        spec:
          source: { volume: { claimName: uploads, path: incoming/ } }
          variants: [ { name: v, width: 100, formats: [webp] } ]
          output: { volume: { claimName: uploads, path: out/ } }
        """
        .formatted(name);
  }

  static ImageBatch create(KubernetesClient client, String namespace, String yaml) {
    ImageBatch batch = client.getKubernetesSerialization().unmarshal(yaml, ImageBatch.class);
    return client.resources(ImageBatch.class).inNamespace(namespace).resource(batch).create();
  }

  static ImageBatch get(KubernetesClient client, String namespace, String name) {
    return client.resources(ImageBatch.class).inNamespace(namespace).withName(name).get();
  }

  static Optional<Condition> condition(ImageBatch batch, String type) {
    if (batch == null || batch.getStatus() == null || batch.getStatus().conditions() == null) {
      return Optional.empty();
    }
    return batch.getStatus().conditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  static boolean isTrue(ImageBatch batch, String type) {
    return condition(batch, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  static List<Job> jobs(KubernetesClient client, String namespace) {
    return client.batch().v1().jobs().inNamespace(namespace).list().getItems();
  }

  static List<Pod> pods(KubernetesClient client, String namespace, String component) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabel(Labels.COMPONENT, component)
        .list()
        .getItems();
  }

  static String component(RunningPod pod) {
    return pod.pod().getMetadata().getLabels().get(Labels.COMPONENT);
  }

  static Outcome plan(long total, int shards, String batch) {
    return Outcome.succeeded(
        TerminationMessage.encode(
            new PlanSummary(
                total, shards, 200, "s3://derived/_imagebatch/%s/1/".formatted(batch))));
  }

  /** A shard summary: {@code failed} of {@code total} failed, the rest succeeded. */
  static Outcome shard(int index, long total, long failed) {
    List<ShardSummary.Failure> failures = new ArrayList<>();
    for (int i = 0; i < Math.min(failed, 3); i++) {
      failures.add(
          new ShardSummary.Failure("in/s%d-%d.jpg".formatted(index, i), "CorruptInput", "bad"));
    }
    return Outcome.succeeded(
        TerminationMessage.encode(
            new ShardSummary(
                index,
                new ShardSummary.Images(total, total - failed, failed, 0),
                new ShardSummary.Variants((total - failed) * 2, 1000, 100),
                failures,
                false)));
  }

  static int index(RunningPod pod) {
    return pod.completionIndex().orElseThrow();
  }
}
