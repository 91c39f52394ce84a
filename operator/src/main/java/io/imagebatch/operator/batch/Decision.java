package io.imagebatch.operator.batch;

import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import java.time.Duration;
import java.util.List;

/**
 * What {@link BatchDecider} decided: the next status, the writes that get there, and when to look
 * again without an event (null: only on events).
 */
public record Decision(ImageBatchStatus status, List<Action> actions, Duration recheck) {}
