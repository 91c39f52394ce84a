package io.imagebatch.runner.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagebatch.runner.BatchYaml;
import io.imagebatch.runner.Manifests;
import io.imagebatch.runner.cluster.ChildRunner;
import io.imagebatch.vips.TestImages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native crashes injected from outside the product: a C library built here with gcc and
 * LD_PRELOADed wraps open(), and when libvips opens a file named poison-* it segfaults, aborts or
 * SIGKILLs its process (poison.c). The runner runs as a pod runs it, in its own JVM.
 */
class CrashIsolationIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int GOOD = 10;
  private static final Map<String, String> POISON =
      Map.of(
          "poison-segv.jpg",
          "ProcessCrashed: the worker process died with SIGSEGV (in native code, reported by the"
              + " JVM) while handling this source, and again when it was retried alone; quarantined",
          "poison-abort.jpg",
          "ProcessCrashed: the worker process died with SIGABRT (exit 134) while handling this"
              + " source, and again when it was retried alone; quarantined",
          "poison-kill.jpg",
          "ProcessCrashed: the worker process died with SIGKILL (exit 137, as by an OOM kill at the"
              + " memory limit) while handling this source, and again when it was retried alone;"
              + " quarantined");

  @TempDir Path dir;
  private Path poison;

  @BeforeEach
  void buildThePoison() throws Exception {
    Path source = dir.resolve("poison.c");
    try (InputStream in = getClass().getResourceAsStream("/poison/poison.c")) {
      Files.copy(in, source);
    }
    poison = dir.resolve("libpoison.so");
    Process gcc =
        new ProcessBuilder(
                "gcc",
                "-shared",
                "-fPIC",
                "-O1",
                "-o",
                poison.toString(),
                source.toString(),
                "-ldl")
            .redirectErrorStream(true)
            .start();
    String output = new String(gcc.getInputStream().readAllBytes());
    assertThat(gcc.waitFor()).as(output).isZero();
    byte[] jpeg = TestImages.jpeg(400, 300);
    for (int i = 0; i < GOOD; i++) {
      TestImages.write(dir.resolve(String.format("volumes/source/in/good-%02d.jpg", i)), jpeg);
    }
    for (String name : POISON.keySet()) {
      TestImages.write(dir.resolve("volumes/source/in/" + name), jpeg);
    }
    // Crashes once among others, then processes fine when retried alone.
    TestImages.write(dir.resolve("volumes/source/in/poison-once.jpg"), jpeg);
  }

  @Test
  void aLocalRunQuarantinesEachCrashingSourceAndProducesTheRest() throws Exception {
    Path yaml =
        BatchYaml.write(
            dir.resolve("volumes/source"),
            """
            source: { volume: { path: in/ }, include: ["**/*.jpg"] }
            variants:
              - { name: t, width: 64, formats: [webp] }
            output: { volume: { path: out/ } }
            execution: { maxFailedImages: 3 }
            """);
    Path log = dir.resolve("local.log");

    int exit = run(List.of("run", yaml.toString(), "--concurrency", "2"), Map.of(), log);

    assertThat(exit).as(Files.readString(log)).isZero();
    List<JsonNode> lines = Manifests.local(dir.resolve("volumes/source"));
    assertEveryoneAccountedForOnce(lines);
    // A source in flight beside a crashing one may have been written before the crash; retried,
    // it is then current: skipped, not written again.
    assertThat(Files.readString(log))
        .containsPattern("14 images, (\\d+) succeeded, 3 failed, (\\d+) skipped \\(up to date\\)");
    assertThat(dir.resolve("volumes/source/out/poison-once-t.webp")).exists();
    assertThat(dir.resolve("volumes/source/out/good-09-t.webp")).exists();
  }

  @Test
  void aShardReportsTheCrashesInItsTerminationMessageAndSucceeds() throws Exception {
    Path yaml =
        BatchYaml.write(
            dir,
            """
            source: { volume: { claimName: photos, path: in/ }, include: ["**/*.jpg"] }
            variants:
              - { name: t, width: 64, formats: [webp] }
            output: { volume: { claimName: derived, path: out/ } }
            execution: { imagesPerShard: 100 }
            """);
    Files.writeString(
        yaml, Files.readString(yaml).replace("  name: test\n", "  name: test\n  generation: 1\n"));
    Map<String, String> env = new HashMap<>();
    env.put("IMAGEBATCH_SOURCE_ROOT", dir.resolve("volumes/source").toString());
    env.put("IMAGEBATCH_OUTPUT_ROOT", dir.resolve("volumes/output").toString());
    env.put("TMPDIR", dir.resolve("tmp").toString());
    env.put("IMAGEBATCH_TERMINATION_MESSAGE_PATH", dir.resolve("termination-plan").toString());
    assertThat(run(List.of("plan", "--spec", yaml.toString()), env, dir.resolve("plan.log")))
        .isZero();

    env.put("IMAGEBATCH_TERMINATION_MESSAGE_PATH", dir.resolve("termination-0").toString());
    env.put("JOB_COMPLETION_INDEX", "0");
    Path log = dir.resolve("shard.log");
    int exit = run(List.of("process", "--spec", yaml.toString(), "--concurrency", "2"), env, log);

    assertThat(exit).as(Files.readString(log)).isZero();
    JsonNode message = JSON.readTree(dir.resolve("termination-0").toFile());
    JsonNode images = message.get("images");
    assertThat(images.get("total").asInt()).isEqualTo(14);
    assertThat(images.get("failed").asInt()).isEqualTo(3);
    assertThat(images.get("succeeded").asInt() + images.get("skipped").asInt()).isEqualTo(11);
    Map<String, String> failures = new TreeMap<>();
    for (JsonNode failure : message.get("failures")) {
      failures.put(
          failure.get("source").asText(),
          failure.get("reason").asText() + ": " + failure.get("message").asText());
    }
    assertThat(failures).isEqualTo(new TreeMap<>(POISON));
    assertEveryoneAccountedForOnce(
        Manifests.lines(
            dir.resolve("volumes/output/out/_imagebatch/test/1/manifest/shard-00000.jsonl")));
    try (var leftovers = Files.list(dir.resolve("tmp"))) {
      assertThat(leftovers.map(Path::getFileName).map(Path::toString))
          .as("the journal is deleted with the run")
          .noneMatch(name -> name.startsWith("imagebatch-journal-"));
    }
  }

  private static void assertEveryoneAccountedForOnce(List<JsonNode> lines) {
    Map<String, Long> counts =
        lines.stream()
            .collect(Collectors.groupingBy(l -> l.get("source").asText(), Collectors.counting()));
    assertThat(counts)
        .hasSize(GOOD + POISON.size() + 1)
        .allSatisfy((source, n) -> assertThat(n).as(source).isOne());
    Map<String, String> outcomes =
        lines.stream().collect(Collectors.toMap(l -> l.get("source").asText(), Manifests::outcome));
    POISON.forEach((source, outcome) -> assertThat(outcomes).containsEntry(source, outcome));
    assertThat(outcomes.entrySet().stream().filter(e -> !POISON.containsKey(e.getKey())))
        .hasSize(GOOD + 1)
        .allSatisfy(e -> assertThat(e.getValue()).as(e.getKey()).isIn("succeeded", "skipped"));
  }

  private int run(List<String> args, Map<String, String> extraEnv, Path log)
      throws IOException, InterruptedException {
    Map<String, String> env = new TreeMap<>(extraEnv);
    env.put("LD_PRELOAD", poison.toString());
    env.put("IMAGEBATCH_LOG_FORMAT", "text");
    Process runner = ChildRunner.start(List.of(), args, env, log);
    assertThat(runner.waitFor(4, TimeUnit.MINUTES)).as("the runner finished").isTrue();
    return runner.exitValue();
  }
}
