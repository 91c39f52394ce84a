package io.imagebatch.runner.config;

import io.imagebatch.api.v1alpha1.ImageBatchSpec;
import java.nio.file.Path;

/**
 * A validated ImageBatch, defaults applied.
 *
 * @param generation metadata.generation, or "local" when the YAML has none
 * @param baseDir the directory relative local paths are resolved against
 */
public record LoadedBatch(String name, String generation, ImageBatchSpec spec, Path baseDir) {}
