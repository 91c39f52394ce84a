package io.imagebatch.runner.pipeline;

import java.nio.file.Path;

/**
 * A source image available as a local file: a file of the source volume, or a download.
 *
 * @param key the source's path relative to the source root, '/'-separated; names outputs
 * @param sha256 hex digest of the bytes, for overwrite: IfChanged
 */
public record SourceFile(String key, Path file, long size, String sha256) {}
