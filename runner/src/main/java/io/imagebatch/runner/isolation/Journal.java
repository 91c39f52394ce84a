package io.imagebatch.runner.isolation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagebatch.runner.pipeline.ImageResult;
import io.imagebatch.runner.source.SourceRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a supervised run has done so far, in files that outlive the worker process: the manifest in
 * progress (one line per finished source), the sources started and not yet finished, and the
 * sources to retry alone after a crash. The worker appends while it runs; the supervisor reads and
 * rewrites only between two workers, never at the same time.
 */
public final class Journal {
  /** Set by the supervisor in the worker's environment: the journal's directory. */
  public static final String ENVIRONMENT = "IMAGEBATCH_JOURNAL";

  /** The supervisor's JVM start, ms since the epoch: where start-up is measured from. */
  public static final String SUPERVISOR_STARTED = "supervisor-started-ms";

  private final Path dir;

  public Journal(Path dir) {
    this.dir = dir;
  }

  /** The journal of a supervised worker; empty when this process runs unsupervised. */
  public static Optional<Journal> fromEnvironment(Map<String, String> env) {
    String dir = env.get(ENVIRONMENT);
    return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(new Journal(Path.of(dir)));
  }

  public Path dir() {
    return dir;
  }

  /** When the supervisor's JVM started, if it said so yet. */
  public Optional<Long> supervisorStarted() {
    try {
      Path file = dir.resolve(SUPERVISOR_STARTED);
      return Files.exists(file)
          ? Optional.of(Long.parseLong(Files.readString(file).strip()))
          : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The manifest in progress: every source finished by any worker of this run. */
  public Path manifest() {
    return dir.resolve("manifest.jsonl");
  }

  /** One started source, and whether it was alone in the process. */
  record Started(SourceRef source, boolean alone) {}

  /** Notes that a worker starts on a source; written through before any libvips call. */
  public synchronized void started(SourceRef source, boolean alone) {
    append(dir.resolve("started.jsonl"), line(new Started(source, alone)));
  }

  /** The finished lines of the manifest, in order; a line cut short by a crash is dropped. */
  public List<ImageResult> recorded() {
    List<ImageResult> results = new ArrayList<>();
    for (String line : completeLines(manifest())) {
      results.add(read(line, ImageResult.class));
    }
    return results;
  }

  /** The sources to retry one at a time before anything else. */
  public List<SourceRef> suspects() {
    List<SourceRef> suspects = new ArrayList<>();
    for (String line : completeLines(dir.resolve("suspects.jsonl"))) {
      suspects.add(read(line, SourceRef.class));
    }
    return suspects;
  }

  /** Sources started and never recorded: the ones in flight when the worker died. */
  List<Started> inFlight() {
    Map<String, Started> open = new LinkedHashMap<>();
    for (String line : completeLines(dir.resolve("started.jsonl"))) {
      Started started = read(line, Started.class);
      open.put(started.source().key(), started);
    }
    for (ImageResult result : recorded()) {
      open.remove(result.source());
    }
    return List.copyOf(open.values());
  }

  /**
   * After a crash: records the quarantined sources' failures, keeps the suspects still to retry,
   * and forgets what was started.
   */
  void afterCrash(List<ImageResult> quarantined, List<SourceRef> suspects) {
    Path manifest = manifest();
    List<String> lines = completeLines(manifest);
    quarantined.forEach(result -> lines.add(line(result)));
    rewrite(manifest, lines);
    rewrite(dir.resolve("suspects.jsonl"), suspects.stream().map(Journal::line).toList());
    rewrite(dir.resolve("started.jsonl"), List.of());
  }

  private static List<String> completeLines(Path file) {
    if (!Files.exists(file)) {
      return new ArrayList<>();
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int end = text.lastIndexOf('\n');
      return end < 0 ? new ArrayList<>() : new ArrayList<>(text.substring(0, end).lines().toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the run's journal " + file, e);
    }
  }

  private static void rewrite(Path file, List<String> lines) {
    try {
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(temp, lines, StandardCharsets.UTF_8);
      Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run's journal " + file, e);
    }
  }

  private static void append(Path file, String line) {
    try {
      Files.writeString(
          file,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run's journal " + file, e);
    }
  }

  /** Made on first use: the supervisor needs JSON only after a crash. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  static String line(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T read(String line, Class<T> type) {
    try {
      return Json.MAPPER.readValue(line, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable journal line: " + line, e);
    }
  }
}
