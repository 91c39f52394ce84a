package io.imagebatch.api.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a runner pod reports to the operator in its termination message, told apart by {@code
 * "kind"}: {@code plan} from the planning pod, {@code shard} from each shard. {@link
 * TerminationMessage} is the one JSON mapping both sides use.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = PlanSummary.class, name = "plan"),
  @JsonSubTypes.Type(value = ShardSummary.class, name = "shard")
})
public sealed interface RunnerSummary permits PlanSummary, ShardSummary {}
