package io.imagebatch.operator.batch;

import io.fabric8.kubernetes.api.model.Pod;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import java.time.Duration;
import java.util.List;

/**
 * What {@link BatchDecider} decided: the next status, the writes that get there, the runner pods
 * whose finalizer goes once that status is written (their summaries are in it, or they are not
 * needed), and when to look again without an event (null: only on events).
 */
public record Decision(
    ImageBatchStatus status, List<Action> actions, List<Pod> release, Duration recheck) {}
