package io.imagebatch.runner.source;

/**
 * One listed source, as the plan records it: enough to fetch it later, in another pod.
 *
 * @param key the source's name relative to the source root, '/'-separated; outputs are named after
 *     it ({dir}, {stem}). For HTTP it is host + path.
 * @param size bytes, when the listing knows them; -1 otherwise
 * @param location where to fetch it: an S3 key, an http(s) URL, or a path inside the volume
 */
public record SourceRef(String key, long size, String location) {}
