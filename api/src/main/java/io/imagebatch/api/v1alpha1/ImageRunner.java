package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * "Batches here run this runner image": two slots, blue and green, and the rule for switching
 * between them. Git owns spec; the operator's decisions (which slot is live) live in status.
 */
@Group(ImageBatch.GROUP)
@Version(ImageBatch.VERSION)
@Kind("ImageRunner")
@Singular("imagerunner")
@Plural("imagerunners")
@ShortNames("ir")
@Categories("imagebatch")
@AdditionalPrinterColumn(name = "Active", jsonPath = ".status.activeColor", type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Image",
    jsonPath = ".status.activeImage",
    type = Type.STRING,
    getDescription = "The image new batches use.")
@AdditionalPrinterColumn(
    name = "Candidate",
    jsonPath = ".status.candidate.image",
    type = Type.STRING,
    getDescription = "The image being verified, or that failed verification.")
@AdditionalPrinterColumn(
    name = "Verification",
    jsonPath = ".status.candidate.verification.phase",
    type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@SchemaCustomizer(value = Describe.class, input = SchemaDescriptions.IMAGE_RUNNER)
public class ImageRunner extends CustomResource<ImageRunnerSpec, ImageRunnerStatus>
    implements Namespaced {
  /** Described here because {@code CustomResource}'s own field has no description. */
  @Override
  @JsonPropertyDescription(
      "The images of the blue and green slots, which one is active, default resources and the promotion rule. Owned by Git.")
  public ImageRunnerSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription(
      "The operator's decisions: the live slot, the candidate being verified, promotion history and conditions.")
  public ImageRunnerStatus getStatus() {
    return super.getStatus();
  }
}
