package io.imagebatch.api.v1alpha1;

/**
 * Descriptions the CRD generator cannot take from {@code @JsonPropertyDescription}: the root, spec
 * and status of each kind (fields of fabric8's {@code CustomResource}) and the fields of embedded
 * Kubernetes types ({@code Condition}, {@code ResourceRequirements}, {@code Toleration}), whose
 * classes carry none. Each constant has the schema's shape and is applied at build time by
 * {@code @SchemaCustomizer(value = Describe.class, input = ...)} on the class whose schema it
 * describes, so that {@code kubectl explain} describes every field.
 */
public final class SchemaDescriptions {
  private SchemaDescriptions() {}

  public static final String IMAGE_BATCH =
      """
      {"description": "A batch of source images turned into resized, re-encoded variants by runner \
      pods: a plan Job lists the sources, then an Indexed Job processes them in shards."}
      """;

  public static final String IMAGE_RUNNER =
      """
      {"description": "The runner image for batches in this namespace: a blue and a green slot, \
      and how a new image is verified and promoted between them."}
      """;

  /** The fields of a metav1.Condition, for a {@code conditions} list. */
  public static final String CONDITIONS =
      """
      {"properties": {"conditions": {"items": {
        "properties": {
         "type": {"description": "The condition's type, e.g. Ready."},
         "status": {"description": "True, False or Unknown."},
         "reason": {"description": "Machine-readable CamelCase reason for the last transition."},
         "message": {"description": "Human-readable details of the last transition."},
         "lastTransitionTime": {"description": "When status last changed (RFC 3339)."},
         "observedGeneration": {"description": "The metadata.generation the condition was set \
      for."}}}}}}
      """;

  /** The fields of a core/v1 ResourceRequirements, for a {@code resources} field. */
  public static final String RESOURCES =
      """
      {"properties": {"resources": {"properties": {
        "requests": {"description": "Minimum compute resources, e.g. cpu: 500m, memory: 1Gi."},
        "limits": {"description": "Maximum compute resources, e.g. memory: 2Gi."},
        "claims": {"description": "Names of the pod's resourceClaims this container uses \
      (dynamic resource allocation).",
         "items": {"properties": {
          "name": {"description": "The name of one entry of the pod's resourceClaims."},
          "request": {"description": "The request of that claim to use; all when empty."}}}}}}}}
      """;

  /** The fields of a core/v1 Toleration, for a {@code tolerations} list. */
  public static final String TOLERATIONS =
      """
      {"properties": {"tolerations": {"items": {"properties": {
        "key": {"description": "The taint key to tolerate; empty with operator Exists matches \
      every key."},
        "operator": {"description": "Exists or Equal (the default)."},
        "value": {"description": "The taint value to match, for operator Equal."},
        "effect": {"description": "The taint effect to match: NoSchedule, PreferNoSchedule or \
      NoExecute; empty matches all."},
        "tolerationSeconds": {"description": "For NoExecute: how long the pod stays bound after \
      the taint appears; forever when unset."}}}}}}
      """;
}
