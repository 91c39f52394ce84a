package io.imagebatch.e2e.k3s;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * The imagebatch kinds as fabric8 sees untyped resources. Untyped on purpose: the suite follows the
 * user-facing contract (docs of v1alpha1), not the Java model, and needs no discovery call.
 */
final class Kinds {

  static final String API_VERSION = "imagebatch.io/v1alpha1";

  static final ResourceDefinitionContext IMAGE_BATCH = kind("ImageBatch", "imagebatches");
  static final ResourceDefinitionContext IMAGE_RUNNER = kind("ImageRunner", "imagerunners");

  private Kinds() {}

  private static ResourceDefinitionContext kind(String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("imagebatch.io")
        .withVersion("v1alpha1")
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }
}
