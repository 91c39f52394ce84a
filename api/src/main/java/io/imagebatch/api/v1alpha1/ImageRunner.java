package io.imagebatch.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
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
public class ImageRunner extends CustomResource<ImageRunnerSpec, ImageRunnerStatus>
    implements Namespaced {}
