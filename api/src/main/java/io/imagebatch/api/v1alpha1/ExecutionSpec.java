package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.imagebatch.api.contract.FailureBudget;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = FailureBudget.CEL_RULE,
    message = FailureBudget.CEL_MESSAGE,
    fieldPath = ".maxFailedImages",
    reason = "FieldValueInvalid")
@SchemaCustomizer(value = Describe.class, input = SchemaDescriptions.RESOURCES)
@SchemaCustomizer(value = Describe.class, input = SchemaDescriptions.TOLERATIONS)
public record ExecutionSpec(
    @JsonPropertyDescription("Runner pods at once.") @Default("4") @Min(1) @Max(1000)
        Integer parallelism,
    @JsonPropertyDescription("Source images per shard; each shard is one index of the Job.")
        @Default("200")
        @Min(1)
        @Max(100000)
        Integer imagesPerShard,
    @JsonPropertyDescription(
            "Resources of each runner pod. Absent values come from the"
                + " ImageRunner's defaults, then the operator's configuration.")
        ResourceRequirements resources,
    @JsonPropertyDescription("Retries of a failed shard (the Job's backoffLimitPerIndex).")
        @Default("2")
        @Min(0)
        @Max(100)
        Integer retriesPerShard,
    @JsonPropertyDescription(
            "Failed images tolerated before the batch fails: "
                + FailureBudget.FORMAT
                + ". A percentage is of the images listed, decimals allowed (\"0.1%\"), rounded"
                + " down to whole images.")
        @Default("0")
        IntOrString maxFailedImages,
    @JsonPropertyDescription("Deadline of the processing Job, in seconds.") @Default("3600") @Min(1)
        Long activeDeadlineSeconds,
    @JsonPropertyDescription("Seconds the finished Jobs are kept before deletion.")
        @Default("86400")
        @Min(0)
        Integer ttlSecondsAfterFinished,
    @JsonPropertyDescription(
            "Kueue LocalQueue. Sets the label kueue.x-k8s.io/queue-name and"
                + " creates the Jobs suspended, for Kueue to admit.")
        @Default("''")
        String queueName,
    @JsonPropertyDescription("Passed to runner pods.") Map<String, String> nodeSelector,
    @JsonPropertyDescription("Passed to runner pods.") List<Toleration> tolerations,
    @JsonPropertyDescription("Passed to runner pods.") Affinity affinity,
    @JsonPropertyDescription("Passed to runner pods.") String priorityClassName,
    @JsonPropertyDescription("Passed to runner pods.") String serviceAccountName) {}
