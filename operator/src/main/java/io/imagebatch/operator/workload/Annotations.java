package io.imagebatch.operator.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;
import java.util.Optional;

/** The annotations the operator writes on its Jobs, and reads back from them. */
public final class Annotations {
  /** The run: a hash of the spec without suspend ({@link Run}). */
  public static final String SPEC_HASH = "imagebatch.io/spec-hash";

  /** The ImageRunner a Job's image came from, and its colour. */
  public static final String RUNNER_NAME = "imagebatch.io/runner-name";

  public static final String RUNNER_COLOR = Labels.RUNNER_COLOR;

  /** The plan's totals on the processing Job, so status can be rebuilt without the plan Job. */
  public static final String TOTAL_IMAGES = "imagebatch.io/total-images";

  public static final String MANIFEST = "imagebatch.io/manifest";

  private Annotations() {}

  public static Optional<String> of(HasMetadata resource, String key) {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    return Optional.ofNullable(annotations == null ? null : annotations.get(key));
  }
}
