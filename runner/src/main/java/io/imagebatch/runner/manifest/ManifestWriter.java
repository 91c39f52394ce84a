package io.imagebatch.runner.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagebatch.runner.pipeline.ImageResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The manifest: one JSON line per source, written as each image finishes. Thread-safe. */
public final class ManifestWriter implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final BufferedWriter out;

  public ManifestWriter(Path file) throws IOException {
    this(file, false);
  }

  /**
   * @param resume append to what an earlier worker of the same run recorded, instead of starting
   *     afresh
   */
  public ManifestWriter(Path file, boolean resume) throws IOException {
    this.file = file;
    Files.createDirectories(file.getParent());
    this.out =
        resume
            ? Files.newBufferedWriter(
                file,
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND)
            : Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }

  public Path file() {
    return file;
  }

  public static String line(ImageResult result) {
    try {
      return JSON.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public synchronized void append(ImageResult result) {
    try {
      out.write(line(result));
      out.write('\n');
      out.flush(); // a crash loses at most the line being written
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write manifest " + file, e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
