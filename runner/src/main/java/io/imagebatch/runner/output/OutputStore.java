package io.imagebatch.runner.output;

import io.imagebatch.api.v1alpha1.Format;
import java.io.IOException;
import java.util.Optional;

/**
 * Where variants go. A write is atomic: a reader sees the old object, or the whole new one, never a
 * part. Each written object carries the fingerprint of the source bytes and settings it was made
 * from.
 */
public interface OutputStore {
  /** The fingerprint stored with the object at {@code path}, or empty when there is none. */
  Optional<String> fingerprint(String path) throws IOException;

  boolean exists(String path) throws IOException;

  void write(String path, byte[] data, Format format, String fingerprint) throws IOException;

  /** Writes a non-image object (manifest, plan) atomically. */
  void writeText(String path, String text) throws IOException;

  /** Copies a local file (e.g. a finished manifest) into the store, atomically. */
  void writeFile(String path, java.nio.file.Path local, String contentType) throws IOException;

  /** Reads a text object written by {@link #writeText}, if it exists. */
  Optional<String> readText(String path) throws IOException;

  /** How a user finds {@code path}: a file path or an s3:// URL. */
  String locate(String path);
}
