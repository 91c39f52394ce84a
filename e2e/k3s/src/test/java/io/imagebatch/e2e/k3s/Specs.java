package io.imagebatch.e2e.k3s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** ImageBatch and ImageRunner resources, written as a user writes them (plain maps, as YAML). */
final class Specs {

  static final String CREDENTIALS_SECRET = "s3-credentials";

  private Specs() {}

  /** A variant of the batch: its name, width, height (0: keep the aspect) and formats. */
  record Variant(String name, int width, int height, List<String> formats) {
    Map<String, Object> toMap() {
      Map<String, Object> variant = new LinkedHashMap<>();
      variant.put("name", name);
      variant.put("width", width);
      if (height > 0) {
        variant.put("height", height);
        variant.put("fit", "cover");
      }
      variant.put("formats", formats);
      return variant;
    }
  }

  /** One place in MinIO: a bucket and a key prefix. */
  record Location(String bucket, String prefix) {}

  /** An ImageBatch spec (also the ImageRunner's verification spec) from S3 to S3. */
  static Map<String, Object> s3ToS3(
      S3Endpoint s3, Location source, Location output, List<Variant> variants) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("source", Map.of("s3", s3Location(s3, source)));
    spec.put("variants", variants.stream().map(Variant::toMap).toList());
    spec.put("output", Map.of("s3", s3Location(s3, output)));
    // One shard per pod, one pod at a time: a CI machine's single node has little room.
    spec.put("execution", Map.of("parallelism", 1, "imagesPerShard", 100));
    return spec;
  }

  static GenericKubernetesResource imageBatch(
      String namespace, String name, Map<String, Object> spec) {
    return resource("ImageBatch", namespace, name, spec);
  }

  /** An ImageRunner with both slots, blue active, promoted automatically after verification. */
  static GenericKubernetesResource imageRunner(
      String namespace,
      String name,
      String blueImage,
      String greenImage,
      Map<String, Object> verification,
      int timeoutSeconds) {
    Map<String, Object> verify = new LinkedHashMap<>(verification);
    verify.put("timeoutSeconds", timeoutSeconds);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("blue", Map.of("image", blueImage));
    spec.put("green", Map.of("image", greenImage));
    spec.put("active", "blue");
    spec.put("promotion", Map.of("strategy", "Auto", "verification", verify));
    return resource("ImageRunner", namespace, name, spec);
  }

  private static Map<String, Object> s3Location(S3Endpoint s3, Location location) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("bucket", location.bucket());
    map.put("prefix", location.prefix());
    map.put("endpoint", s3.inCluster());
    map.put("region", "us-east-1");
    map.put("credentialsSecret", CREDENTIALS_SECRET);
    return map;
  }

  private static GenericKubernetesResource resource(
      String kind, String namespace, String name, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(Kinds.API_VERSION)
        .withKind(kind)
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
  }
}
