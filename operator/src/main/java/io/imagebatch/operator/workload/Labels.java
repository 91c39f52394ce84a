package io.imagebatch.operator.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.imagebatch.api.v1alpha1.ImageBatch;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The labels every object the operator creates carries, and the ones it reads. */
public final class Labels {
  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String BATCH = "imagebatch.io/batch";
  public static final String GENERATION = "imagebatch.io/generation";
  public static final String KUEUE_QUEUE = "kueue.x-k8s.io/queue-name";

  /** The colour of the ImageRunner slot a verification batch runs (also an annotation on Jobs). */
  public static final String RUNNER_COLOR = "imagebatch.io/runner-color";

  public static final String RUNNER = "imagebatch-runner";
  public static final String OPERATOR = "imagebatch-operator";

  /** Selects everything this operator created; its informers watch only these. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

  public static final String PLAN = "plan";
  public static final String PROCESS = "process";
  public static final String SPEC = "spec";

  /**
   * The completion index the Job controller puts on each pod of an Indexed Job (label and
   * annotation).
   */
  public static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

  private Labels() {}

  public static Map<String, String> of(Run run, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, RUNNER);
    labels.put(INSTANCE, run.name());
    labels.put(MANAGED_BY, OPERATOR);
    labels.put(COMPONENT, component);
    labels.put(BATCH, run.name());
    labels.put(GENERATION, Long.toString(run.generation()));
    return labels;
  }

  public static long generation(ImageBatch batch) {
    Long generation = batch.getMetadata().getGeneration();
    return generation == null ? 1 : generation;
  }

  public static Optional<String> label(HasMetadata resource, String key) {
    Map<String, String> labels = resource.getMetadata().getLabels();
    return Optional.ofNullable(labels == null ? null : labels.get(key));
  }

  /** Whether {@code resource} belongs to generation {@code generation} of its batch. */
  public static boolean ofGeneration(HasMetadata resource, long generation) {
    return label(resource, GENERATION).map(g -> g.equals(Long.toString(generation))).orElse(false);
  }
}
