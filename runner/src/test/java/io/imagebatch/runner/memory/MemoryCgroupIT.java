package io.imagebatch.runner.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagebatch.runner.BatchYaml;
import io.imagebatch.vips.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof that the runner lives within a real memory limit: a child JVM in a cgroup v1 memory
 * cgroup of 1 GiB detects that limit itself (no IMAGEBATCH_MEMORY_LIMIT) and processes the public
 * corpus plus a 75-megapixel JPEG, baseline and progressive, into 400/800/1200-wide WebP and AVIF,
 * 4 images at once, without being OOM-killed. Needs root and a writable cgroup v1 memory
 * controller; skips otherwise.
 */
class MemoryCgroupIT {
  private static final long LIMIT = 1L << 30;
  private static final Path V1_MEMORY = Path.of("/sys/fs/cgroup/memory");
  private static final String MANIFEST = "out/_imagebatch/test/local/manifest/local.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path cgroup;
  private Process child;

  @AfterEach
  void removeCgroup() throws IOException {
    if (child != null && child.isAlive()) {
      child.destroyForcibly();
      child.onExit().join();
    }
    if (cgroup != null && Files.isDirectory(cgroup)) {
      Files.delete(cgroup); // rmdir: a cgroup directory with no task left
    }
  }

  @Test
  void aRunOverTheCorpusStaysWithinOneGibibyte() throws Exception {
    cgroup = createCgroup();
    List<Path> corpus = corpus();
    Path in = dir.resolve("in");
    Files.createDirectories(in);
    for (Path image : corpus) {
      Files.copy(image, in.resolve(image.getFileName()));
    }
    TestImages.write(in.resolve("huge/75-megapixels.jpg"), TestImages.jpeg(10000, 7500));
    // Progressive: no shrink-on-load streaming, every coefficient held while decoding.
    TestImages.write(
        in.resolve("huge/75-megapixels-progressive.jpg"), TestImages.progressiveJpeg(10000, 7500));
    Path yaml =
        BatchYaml.write(
            dir,
            """
            source: { volume: { path: in/ } }
            variants:
              - { name: s, width: 400, formats: [webp, avif] }
              - { name: m, width: 800, formats: [webp, avif] }
              - { name: l, width: 1200, formats: [webp, avif] }
            output: { volume: { path: out/ } }
            execution: { maxFailedImages: 100 }
            """);
    Path log = dir.resolve("child.log");

    child = startInCgroup(yaml, log);
    boolean exited = child.waitFor(30, TimeUnit.MINUTES);
    String output = Files.readString(log, StandardCharsets.UTF_8);
    String oom = Files.readString(cgroup.resolve("memory.oom_control"));
    String failcnt = Files.readString(cgroup.resolve("memory.failcnt")).strip();
    String peak = Files.readString(cgroup.resolve("memory.max_usage_in_bytes")).strip();
    System.out.printf(
        "cgroup %s: peak %d MiB, failcnt %s, %s%n",
        cgroup, Long.parseLong(peak) >> 20, failcnt, oom.replace('\n', ' '));

    assertThat(exited).as("the child finished within 30 minutes:%n%s", output).isTrue();
    assertThat(oom).as(output).contains("oom_kill 0").contains("under_oom 0");
    assertThat(child.exitValue()).as(output).isZero();
    assertThat(output).contains("memory limit: 1073741824 bytes (1024 MiB, cgroup v1)");
    Map<String, String> failures = new TreeMap<>();
    for (String line : Files.readAllLines(dir.resolve(MANIFEST))) {
      JsonNode entry = JSON.readTree(line);
      if (!entry.get("status").asText().equals("succeeded")) {
        failures.put(entry.get("source").asText(), entry.path("message").asText());
      }
    }
    assertThat(failures).as("failed images").isEmpty();
    assertThat(Files.readAllLines(dir.resolve(MANIFEST))).hasSize(corpus.size() + 2);
    assertThat(dir.resolve("out/huge/75-megapixels-l.avif")).exists();
    assertThat(dir.resolve("out/huge/75-megapixels-progressive-l.avif")).exists();
  }

  /** A fresh memory cgroup of 1 GiB under this process's own, or a skip saying why not. */
  private static Path createCgroup() throws IOException {
    if (!Files.isDirectory(V1_MEMORY) || !Files.exists(V1_MEMORY.resolve("cgroup.procs"))) {
      abort("no cgroup v1 memory controller at " + V1_MEMORY);
    }
    String own =
        Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
            .map(l -> l.split(":", 3))
            .filter(f -> f.length == 3 && List.of(f[1].split(",")).contains("memory"))
            .map(f -> f[2])
            .findFirst()
            .orElse("/");
    Path parent = V1_MEMORY.resolve(own.substring(1));
    if (!Files.isDirectory(parent)) {
      parent = V1_MEMORY;
    }
    Path created = parent.resolve("imagebatch-it-" + UUID.randomUUID().toString().substring(0, 8));
    try {
      Files.createDirectory(created);
      Files.writeString(created.resolve("memory.limit_in_bytes"), Long.toString(LIMIT));
    } catch (IOException e) {
      if (Files.isDirectory(created)) {
        Files.delete(created);
      }
      abort("cannot create a memory cgroup under " + parent + " (needs root): " + e);
    }
    return created;
  }

  private Process startInCgroup(Path yaml, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add("/bin/sh");
    command.add("-c");
    // Join the cgroup first, then become the JVM: every byte it allocates is charged there.
    command.add("echo $$ > \"$0\" && exec \"$@\"");
    command.add(cgroup.resolve("cgroup.procs").toString());
    command.add(java);
    // The JVM settings of Dockerfile.runner's launcher: this is the pod, minus the container.
    command.add("-XX:+UseSerialGC");
    command.add("-XX:MaxRAMPercentage=25");
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CgroupChild.class.getName());
    command.add("run");
    command.add(yaml.toString());
    command.add("--concurrency");
    command.add("4");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().remove(MemoryLimit.ENV);
    builder.environment().put("MALLOC_ARENA_MAX", "2"); // as Dockerfile.runner sets it
    builder.environment().put("IMAGEBATCH_LOG_FORMAT", "text");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return builder.start();
  }

  /** The public corpus (30 wallpapers, 2560x1600 to 5120x2880), fetched once; or a skip. */
  private static List<Path> corpus() throws Exception {
    Path cache = Path.of(System.getProperty("user.home"), ".cache/imagebatch/corpus");
    Path script = sharedDir().resolve("corpus/fetch.sh");
    if (!Files.exists(script)) {
      abort("no corpus script at " + script);
    }
    Process fetch =
        new ProcessBuilder("bash", script.toString(), cache.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!fetch.waitFor(10, TimeUnit.MINUTES) || fetch.exitValue() != 0) {
      fetch.destroyForcibly();
      abort("the corpus is unavailable: " + script + " " + cache + " failed");
    }
    try (Stream<Path> files = Files.list(cache)) {
      List<Path> images =
          files
              .filter(
                  p -> {
                    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                    return name.endsWith(".jpg") || name.endsWith(".png");
                  })
              .sorted()
              .toList();
      if (images.isEmpty()) {
        abort("the corpus at " + cache + " has no images");
      }
      return images;
    }
  }

  /** /work/shared beside the repository (CI: ../shared from the repository root). */
  private static Path sharedDir() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("mvnw"))) {
        return p.resolveSibling("shared");
      }
    }
    return Path.of("/work/shared");
  }
}
