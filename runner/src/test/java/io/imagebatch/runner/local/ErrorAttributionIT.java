package io.imagebatch.runner.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.imagebatch.api.contract.ExitCode;
import io.imagebatch.runner.BatchYaml;
import io.imagebatch.runner.MainAccess;
import io.imagebatch.runner.Manifests;
import io.imagebatch.vips.FuzzCorpus;
import io.imagebatch.vips.TestImages;
import io.imagebatch.vips.VipsException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libvips 8.14 keeps one error buffer per process. Hundreds of corrupt files at concurrency 4:
 * every failure's message is that file's own, never another's, never empty.
 */
class ErrorAttributionIT {
  private static final int FILES = 240;
  private static final Pattern NAME = Pattern.compile("c-\\d{4}");

  @TempDir Path dir;

  @Test
  void everyFailureMessageBelongsToItsOwnImage() {
    Map<String, byte[]> seeds = FuzzCorpus.seeds();
    List<String> extensions = new ArrayList<>(List.of("jpg", "png", "webp", "tif"));
    extensions.retainAll(seeds.keySet());
    Random random = new Random(20261127L);
    for (int i = 0; i < FILES; i++) {
      String extension = extensions.get(i % extensions.size());
      // Truncated and spliced files fail inside the decoders, where libvips writes its error text.
      FuzzCorpus.Mutation mutation =
          i % 2 == 0 ? FuzzCorpus.Mutation.TRUNCATE : FuzzCorpus.Mutation.SPLICE;
      TestImages.write(
          dir.resolve(String.format("in/c-%04d.%s", i, extension)),
          FuzzCorpus.mutate(seeds.get(extension), mutation, random));
    }
    Map<String, String> alone = failures(run("alone", 1));
    Map<String, String> together = failures(run("together", 4));

    assertThat(alone.size()).as("enough failures to race").isGreaterThan(FILES / 2);
    // What a file's failure says at concurrency 4 is what it says with nothing else in flight.
    assertThat(together).isEqualTo(alone);
    together.forEach(
        (source, message) -> {
          assertThat(message).as(source).isNotBlank().doesNotContain(VipsException.NO_TEXT);
          Matcher names = NAME.matcher(message);
          while (names.find()) {
            assertThat(names.group()).as(source + ": " + message).isEqualTo(source.substring(0, 6));
          }
        });
  }

  private Path run(String name, int concurrency) {
    Path yaml =
        BatchYaml.write(
            dir,
            name + ".yaml",
            """
            source: { volume: { path: in/ } }
            variants:
              - { name: t, width: 48, formats: [webp] }
            output: { volume: { path: %s/ } }
            execution: { maxFailedImages: "100%%" }
            limits: { failOn: warning }
            """
                .formatted(name));
    ExitCode exit =
        MainAccess.run(
            new String[] {"run", yaml.toString(), "--concurrency", "" + concurrency},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            Map.of("IMAGEBATCH_LOG_FORMAT", "json"));
    assertThat(exit).isEqualTo(ExitCode.OK);
    return dir.resolve(name + "/_imagebatch/test/local/manifest/local.jsonl");
  }

  private static Map<String, String> failures(Path manifest) {
    List<JsonNode> lines = Manifests.lines(manifest);
    assertThat(lines).hasSize(FILES);
    return lines.stream()
        .filter(l -> l.get("status").asText().equals("failed"))
        .collect(
            Collectors.toMap(
                l -> l.get("source").asText(),
                l -> l.get("reason").asText() + ": " + l.get("message").asText()));
  }
}
