package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * The verification batch: an ImageBatch spec (without runner and suspend, which the operator sets)
 * and how long it may take.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VerificationSpec(
    @JsonPropertyDescription("Sample images to process, as in ImageBatch spec.source.") @Required
        SourceSpec source,
    @JsonPropertyDescription("As in ImageBatch spec.variants; cover every format you rely on.")
        @Required
        @Size(min = 1, max = 64)
        List<Variant> variants,
    @JsonPropertyDescription("As in ImageBatch spec.encoding.") EncodingSpec encoding,
    @JsonPropertyDescription("As in ImageBatch spec.output.") @Required OutputSpec output,
    @JsonPropertyDescription("As in ImageBatch spec.processing.") ProcessingSpec processing,
    @JsonPropertyDescription("As in ImageBatch spec.limits.") LimitsSpec limits,
    @JsonPropertyDescription(
            "As in ImageBatch spec.execution. maxFailedImages defaults to 0: the candidate must"
                + " process every sample.")
        ExecutionSpec execution,
    @JsonPropertyDescription("How long the verification may take before it counts as failed.")
        @Default("600")
        @Min(10)
        @Max(86400)
        Integer timeoutSeconds) {

  public int timeoutOrDefault() {
    return timeoutSeconds == null ? 600 : timeoutSeconds;
  }

  /** The ImageBatch spec of a verification run that uses ImageRunner {@code runner}. */
  public ImageBatchSpec toBatchSpec(String runner) {
    return new ImageBatchSpec(
        runner, source, variants, encoding, output, processing, limits, execution, false);
  }
}
