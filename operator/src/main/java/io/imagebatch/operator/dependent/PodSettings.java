package io.imagebatch.operator.dependent;

import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.PinnedRunner;
import java.util.Optional;

/**
 * What every runner pod of a run gets besides the batch's spec, decided by the operator: the pinned
 * runner image, the resolved resources and the cluster operator's settings.
 *
 * @param resources already resolved: the batch's, else the ImageRunner's, else the operator's
 * @param httpAllowHosts the cluster operator's SSRF allow-list (never the batch author's)
 */
public record PodSettings(
    PinnedRunner runner, ResourceRequirements resources, Optional<String> httpAllowHosts) {}
