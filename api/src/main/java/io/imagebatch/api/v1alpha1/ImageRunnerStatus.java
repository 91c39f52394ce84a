package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** The operator's decisions: which slot is live, what is being verified, what came before. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = Describe.class, input = SchemaDescriptions.CONDITIONS)
public record ImageRunnerStatus(
    @JsonPropertyDescription("The metadata.generation this status describes.")
        Long observedGeneration,
    @JsonPropertyDescription("The colour new batches use.") RunnerColor activeColor,
    @JsonPropertyDescription("The image new batches use.") String activeImage,
    @JsonPropertyDescription(
            "The image waiting for promotion: being verified, or failed. Absent when every"
                + " slot is settled.")
        Candidate candidate,
    @JsonPropertyDescription("Promotions, newest last; the last 10.") List<Promotion> history,
    @JsonPropertyDescription("Ready, Progressing (a verification runs) and Degraded.")
        List<Condition> conditions) {

  public static final int HISTORY_LIMIT = 10;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Candidate(
      @JsonPropertyDescription("The candidate's slot.") RunnerColor color,
      @JsonPropertyDescription("The candidate's image.") String image,
      @JsonPropertyDescription("Its verification.") Verification verification) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Verification(
      @JsonPropertyDescription("Pending, Running, Passed or Failed.") VerificationPhase phase,
      @JsonPropertyDescription("The verification ImageBatch in this namespace.") String batch,
      @JsonPropertyDescription("Why it failed, or what it waits for.") String message,
      @JsonPropertyDescription("When it started (RFC 3339).") String startTime) {}

  public enum VerificationPhase {
    Pending,
    Running,
    /** The verification batch waits for something a user must fix (its Stalled condition). */
    Stalled,
    Passed,
    Failed
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Promotion(
      @JsonPropertyDescription("The colour that became active.") RunnerColor color,
      @JsonPropertyDescription("The image that became active.") String image,
      @JsonPropertyDescription("When (RFC 3339).") String promotedAt,
      @JsonPropertyDescription(
              "Why: Initial, Verified (Auto, passed), Rollback (a known image back in Git),"
                  + " Manual (spec.active).")
          String reason,
      @JsonPropertyDescription("The image's verification result when it became active.")
          VerificationPhase verification) {}
}
