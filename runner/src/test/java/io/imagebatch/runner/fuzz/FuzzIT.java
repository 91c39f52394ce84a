package io.imagebatch.runner.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.imagebatch.runner.BatchYaml;
import io.imagebatch.runner.Manifests;
import io.imagebatch.runner.cluster.ChildRunner;
import io.imagebatch.vips.FuzzCorpus;
import io.imagebatch.vips.TestImages;
import io.imagebatch.vips.VipsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzz tier: a seeded mutation campaign over every format this libvips writes, generated here
 * and never committed, run through the real runner in its own JVM (crash isolation on), as an
 * attacker's upload would be. No crash escapes, every file is in the manifest once with its own
 * message, the run exits 0.
 *
 * <p>{@code -Dfuzz.files=N} (default 320) and {@code -Dfuzz.seed=S} size and vary it; {@code
 * bench/fuzz.sh} runs thousands, several seeds, on both libvips builds.
 */
class FuzzIT {
  private static final Pattern NAME = Pattern.compile("f-\\d{5}");

  @TempDir Path dir;

  @Test
  void mutatedImagesNeverTakeTheRunDownAndEachFailureIsItsOwn() throws Exception {
    int files = Integer.getInteger("fuzz.files", 320);
    long seed = Long.getLong("fuzz.seed", 20261127L);
    Map<String, byte[]> seeds = FuzzCorpus.seeds();
    List<String> formats = new ArrayList<>(seeds.keySet());
    FuzzCorpus.Mutation[] mutations = FuzzCorpus.Mutation.values();
    Random random = new Random(seed);
    for (int i = 0; i < files; i++) {
      String format = formats.get(i % formats.size());
      FuzzCorpus.Mutation mutation = mutations[(i / formats.size()) % mutations.length];
      TestImages.write(
          dir.resolve(String.format("in/f-%05d-%s.%s", i, mutation.name().toLowerCase(), format)),
          FuzzCorpus.mutate(seeds.get(format), mutation, random));
    }
    Path yaml =
        BatchYaml.write(
            dir,
            """
            source: { volume: { path: in/ }, include: ["**/*"] }
            variants:
              - { name: t, width: 48, formats: [webp, jpeg] }
            output: { volume: { path: out/ } }
            execution: { maxFailedImages: "100%" }
            limits: { failOn: none }
            """);
    Path log = dir.resolve("runner.log");
    long started = System.nanoTime();

    Process runner =
        ChildRunner.start(
            List.of("-XX:+UseSerialGC"),
            List.of("run", yaml.toString(), "--concurrency", "2"),
            Map.of("IMAGEBATCH_LOG_FORMAT", "json", "MALLOC_ARENA_MAX", "2"),
            log);

    assertThat(runner.waitFor(30, TimeUnit.MINUTES)).as("the runner finished").isTrue();
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    assertThat(runner.exitValue()).as(tail(log)).isZero();
    List<JsonNode> lines = Manifests.local(dir);
    Map<String, Long> perSource =
        lines.stream()
            .collect(Collectors.groupingBy(l -> l.get("source").asText(), Collectors.counting()));
    assertThat(perSource).hasSize(files).allSatisfy((s, n) -> assertThat(n).as(s).isOne());
    Map<String, Long> outcomes = new TreeMap<>();
    for (JsonNode line : lines) {
      String source = line.get("source").asText();
      String outcome = line.get("status").asText();
      if (outcome.equals("failed")) {
        String message = line.get("message").asText();
        assertThat(message).as(source).isNotBlank().doesNotContain(VipsException.NO_TEXT);
        Matcher names = NAME.matcher(message);
        while (names.find()) {
          assertThat(names.group()).as(source + ": " + message).isEqualTo(source.substring(0, 7));
        }
        outcome = line.get("reason").asText();
      }
      outcomes.merge(outcome, 1L, Long::sum);
    }
    // The campaign's findings and cost, for docs/benchmarks.md.
    System.out.printf(
        "FUZZ: %d files (seed %d, formats %s) in %d s: %s%n",
        files, seed, formats, seconds, outcomes);
  }

  private static String tail(Path log) throws java.io.IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }
}
