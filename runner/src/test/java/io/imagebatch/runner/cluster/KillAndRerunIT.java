package io.imagebatch.runner.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagebatch.runner.BatchYaml;
import io.imagebatch.runner.Manifests;
import io.imagebatch.vips.FailOn;
import io.imagebatch.vips.TestImages;
import io.imagebatch.vips.VipsImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL a shard mid-way and run it again: the outputs equal a clean run's, no partial file is
 * ever visible, and what was written before the kill is skipped.
 */
class KillAndRerunIT {
  private static final int IMAGES = 24;

  @TempDir Path dir;

  @Test
  void aKilledShardRerunsToTheSameOutputs() throws Exception {
    Path source = dir.resolve("volumes/source/in");
    for (int i = 0; i < IMAGES; i++) {
      TestImages.write(
          source.resolve(String.format("img-%02d.jpg", i)), TestImages.jpeg(3000, 2000));
    }
    Path killed = dir.resolve("volumes/killed");
    Path clean = dir.resolve("volumes/clean");
    Path spec = spec();

    plan(spec, clean);
    Process clean0 = process(spec, clean, "clean");
    assertThat(clean0.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(clean0.exitValue()).isZero();

    plan(spec, killed);
    Process victim = process(spec, killed, "victim");
    await()
        .atMost(Duration.ofMinutes(3))
        .until(() -> variants(killed).size() >= 6 || !victim.isAlive());
    // SIGKILL the pod's processes: the runner and the worker it supervises.
    List<ProcessHandle> worker = victim.descendants().toList();
    victim.destroyForcibly();
    worker.forEach(ProcessHandle::destroyForcibly);
    victim.waitFor();
    for (ProcessHandle process : worker) {
      process.onExit().get(1, TimeUnit.MINUTES);
    }
    int beforeRerun = variants(killed).size();
    assertThat(beforeRerun).isLessThan(IMAGES * 2); // it really was cut short
    assertEveryVisibleVariantIsComplete(killed);

    Process rerun = process(spec, killed, "rerun");
    assertThat(rerun.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(rerun.exitValue()).isZero();

    assertThat(contents(variants(killed))).isEqualTo(contents(variants(clean)));
    String message = Files.readString(dir.resolve("termination-rerun"));
    assertThat(message).contains("\"written\":" + (IMAGES * 2 - beforeRerun));
    // The rerun's manifest accounts for every source once, and its summary counts match it.
    List<JsonNode> manifest =
        Manifests.lines(killed.resolve("out/_imagebatch/test/1/manifest/shard-00000.jsonl"));
    assertThat(manifest.stream().map(l -> l.get("source").asText()).distinct()).hasSize(IMAGES);
    assertThat(manifest).hasSize(IMAGES);
    JsonNode images = new ObjectMapper().readTree(message).get("images");
    for (String status : List.of("succeeded", "skipped", "failed")) {
      assertThat(manifest.stream().filter(l -> l.get("status").asText().equals(status)).count())
          .as(status)
          .isEqualTo(images.get(status).asLong());
    }
    try (Stream<Path> leftovers = Files.list(killed.resolve("out/_imagebatch/tmp"))) {
      assertThat(leftovers).isEmpty();
    }
  }

  private Path spec() throws IOException {
    Path file =
        BatchYaml.write(
            dir,
            """
            source: { volume: { claimName: photos, path: in/ } }
            variants:
              - { name: medium, width: 1200, formats: [webp, jpeg] }
            output: { volume: { claimName: derived, path: out/ } }
            execution: { imagesPerShard: 1000 }
            """);
    return Files.writeString(
        file, Files.readString(file).replace("  name: test\n", "  name: test\n  generation: 1\n"));
  }

  private void plan(Path spec, Path output) throws Exception {
    Process plan =
        ChildRunner.start(
            List.of(),
            List.of("plan", "--spec", spec.toString()),
            env(output, "plan"),
            dir.resolve("plan.log"));
    assertThat(plan.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(plan.exitValue()).isZero();
  }

  private Process process(Path spec, Path output, String name) throws IOException {
    Map<String, String> env = env(output, name);
    env.put("JOB_COMPLETION_INDEX", "0");
    return ChildRunner.start(
        List.of(),
        List.of("process", "--spec", spec.toString(), "--concurrency", "1"),
        env,
        dir.resolve(name + ".log"));
  }

  private Map<String, String> env(Path output, String name) {
    Map<String, String> env = new TreeMap<>();
    env.put("IMAGEBATCH_SOURCE_ROOT", dir.resolve("volumes/source").toString());
    env.put("IMAGEBATCH_OUTPUT_ROOT", output.toString());
    env.put("IMAGEBATCH_TERMINATION_MESSAGE_PATH", dir.resolve("termination-" + name).toString());
    env.put("TMPDIR", dir.resolve("tmp").toString());
    env.put("IMAGEBATCH_LOG_FORMAT", "json");
    return env;
  }

  private static List<Path> variants(Path output) throws IOException {
    Path out = output.resolve("out");
    if (!Files.isDirectory(out)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(out)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> !out.relativize(p).startsWith("_imagebatch"))
          .sorted()
          .toList();
    }
  }

  /** File name to SHA-256 of its bytes: readable when two runs differ. */
  private static Map<String, String> contents(List<Path> files) throws IOException {
    Map<String, String> contents = new TreeMap<>();
    for (Path file : files) {
      contents.put(file.getFileName().toString(), io.imagebatch.runner.source.Digests.sha256(file));
    }
    return contents;
  }

  private static void assertEveryVisibleVariantIsComplete(Path output) throws IOException {
    for (Path file : variants(output)) {
      try (VipsImage image = VipsImage.open(file, FailOn.TRUNCATED)) {
        assertThat(image.average()).as(file.toString()).isPositive();
      }
    }
  }
}
