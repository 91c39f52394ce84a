package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** What the operator reports back; written by the operator only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = Describe.class, input = SchemaDescriptions.CONDITIONS)
public record ImageBatchStatus(
    @JsonPropertyDescription("The metadata.generation this status describes.")
        Long observedGeneration,
    @JsonPropertyDescription("Pending, Planning, Running, Succeeded, Failed or Suspended.")
        Phase phase,
    @JsonPropertyDescription("The runner image pinned when the batch started.") PinnedRunner runner,
    @JsonPropertyDescription("Source image counts.") ImageCounts images,
    @JsonPropertyDescription("Shard (Job index) counts.") ShardCounts shards,
    @JsonPropertyDescription("Written variants and bytes.") VariantCounts variants,
    @JsonPropertyDescription("The first 20 failures; the manifest has them all.")
        List<ImageFailure> failures,
    @JsonPropertyDescription("Where the per-image manifest (one JSON line per source) is written.")
        String manifest,
    @JsonPropertyDescription("When the current run started (RFC 3339).") String startTime,
    @JsonPropertyDescription("When the current run finished (RFC 3339).") String completionTime,
    @JsonPropertyDescription("Ready, Reconciling, Stalled, Complete and Failed.")
        List<Condition> conditions,
    @JsonPropertyDescription(
            "Images done (succeeded, failed or skipped) of the total, e.g. 1502/2000; for"
                + " kubectl get.")
        String progress) {

  public enum Phase {
    Pending,
    Planning,
    Running,
    Succeeded,
    Failed,
    Suspended
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PinnedRunner(
      @JsonPropertyDescription("ImageRunner name, or empty for the operator default.") String name,
      @JsonPropertyDescription("blue or green; empty for the operator default.") String color,
      @JsonPropertyDescription("The runner image every pod of this run uses.") String image) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ImageCounts(
      @JsonPropertyDescription("Sources listed.") Long total,
      @JsonPropertyDescription("Sources with every variant written.") Long succeeded,
      @JsonPropertyDescription("Sources that failed.") Long failed,
      @JsonPropertyDescription("Sources already up to date.") Long skipped) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ShardCounts(
      @JsonPropertyDescription("Shards planned.") Integer total,
      @JsonPropertyDescription("Shards done.") Integer succeeded,
      @JsonPropertyDescription("Shards failed after retries.") Integer failed,
      @JsonPropertyDescription("Shards running now.") Integer active,
      @JsonPropertyDescription(
              "Shard indexes whose summaries are counted in images and variants, each once, e.g."
                  + " 0-41,43 (like a Job's completedIndexes).")
          String folded,
      @JsonPropertyDescription(
              "Succeeded shard indexes whose pods were gone before their summaries were read:"
                  + " done, but their image counts are unknown.")
          String unknown) {

    /** Counts without folded or unknown indexes. */
    public static ShardCounts of(int total, int succeeded, int failed, int active) {
      return new ShardCounts(total, succeeded, failed, active, null, null);
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record VariantCounts(
      @JsonPropertyDescription("Variants written.") Long written,
      @JsonPropertyDescription("Source bytes read.") Long bytesIn,
      @JsonPropertyDescription("Variant bytes written.") Long bytesOut) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ImageFailure(
      @JsonPropertyDescription("Source path or key.") String source,
      @JsonPropertyDescription("Machine-readable reason, e.g. InputTooLarge.") String reason,
      @JsonPropertyDescription("What went wrong.") String message) {}
}
