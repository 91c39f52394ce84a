package io.imagebatch.e2e.controlplane.node;

import java.util.Optional;
import java.util.function.Function;

/**
 * What the simulated node does with a pod once it is Running. Called on a worker thread, so it may
 * block (process mode runs the whole command); an empty result leaves the pod Running until {@link
 * NodeSimulator#terminate} or its deletion.
 */
@FunctionalInterface
public interface PodBehavior {

  Optional<Outcome> onRunning(RunningPod pod) throws Exception;

  /** Every pod succeeds at once. */
  static PodBehavior succeed() {
    return pod -> Optional.of(Outcome.succeeded());
  }

  /**
   * Pods stay Running: the test ends them with {@link NodeSimulator#terminate}, or deletes them.
   */
  static PodBehavior keepRunning() {
    return pod -> Optional.empty();
  }

  /** Scripted mode: the test decides each pod's outcome, e.g. by its completion index. */
  static PodBehavior scripted(Function<RunningPod, Outcome> script) {
    return pod -> Optional.of(script.apply(pod));
  }

  /** Process mode with the default mapping: the container's command and args run as they are. */
  static PodBehavior process() {
    return new ProcessBehavior(CommandMapper.asIs());
  }

  /** Process mode with a mapping from image/command to a local command line. */
  static PodBehavior process(CommandMapper mapper) {
    return new ProcessBehavior(mapper);
  }
}
