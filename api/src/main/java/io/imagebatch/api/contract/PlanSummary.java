package io.imagebatch.api.contract;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The planning pod's result: how many source images were listed, in how many shards, and where the
 * plan and manifest live.
 *
 * @param manifest the location of {@code _imagebatch/<batch>/<generation>/}, e.g. an s3:// URL
 */
public record PlanSummary(
    @JsonProperty(required = true) long total,
    @JsonProperty(required = true) int shards,
    int imagesPerShard,
    String manifest)
    implements RunnerSummary {}
