package io.imagebatch.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
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
public class ImageBatch extends CustomResource<ImageBatchSpec, ImageBatchStatus>
    implements Namespaced {
  public static final String GROUP = "imagebatch.io";
  public static final String VERSION = "v1alpha1";
}
