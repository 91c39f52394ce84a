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

/** "Turn these source images into these variants, written there." */
@Group(ImageBatch.GROUP)
@Version(ImageBatch.VERSION)
@Kind("ImageBatch")
@Singular("imagebatch")
@Plural("imagebatches")
@ShortNames("ib")
@Categories("imagebatch")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Status",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = Type.STRING,
    getDescription =
        "The Ready condition's reason: Planning, Running, Succeeded, or why the batch waits or is"
            + " stalled (Unschedulable, ImagePullFailed, QuotaExceeded, SecretNotFound, ...).")
@AdditionalPrinterColumn(
    name = "Progress",
    jsonPath = ".status.progress",
    type = Type.STRING,
    getDescription = "Images done (succeeded, failed or skipped) of the total.")
@AdditionalPrinterColumn(name = "Failed", jsonPath = ".status.images.failed", type = Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Runner",
    jsonPath = ".status.runner.image",
    type = Type.STRING,
    getDescription = "The runner image this run uses.")
@AdditionalPrinterColumn(
    name = "Shards",
    jsonPath = ".status.shards.succeeded",
    type = Type.INTEGER,
    priority = 1,
    getDescription = "Shards done.")
@AdditionalPrinterColumn(
    name = "Variants",
    jsonPath = ".status.variants.written",
    type = Type.INTEGER,
    priority = 1,
    getDescription = "Variants written.")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@AdditionalPrinterColumn(
    name = "Message",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].message",
    type = Type.STRING,
    priority = 1,
    getDescription = "The Ready condition's message: progress, or what to fix.")
@SchemaCustomizer(value = Describe.class, input = SchemaDescriptions.IMAGE_BATCH)
public class ImageBatch extends CustomResource<ImageBatchSpec, ImageBatchStatus>
    implements Namespaced {
  public static final String GROUP = "imagebatch.io";
  public static final String VERSION = "v1alpha1";

  /** Described here because {@code CustomResource}'s own field has no description. */
  @Override
  @JsonPropertyDescription(
      "What to process: the source images, the variants they become, where the variants are written, and how the Jobs run.")
  public ImageBatchSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription(
      "What the operator reports back: phase, counts, the first failures and conditions. Written by the operator only.")
  public ImageBatchStatus getStatus() {
    return super.getStatus();
  }
}
