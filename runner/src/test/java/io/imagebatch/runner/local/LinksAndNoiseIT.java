package io.imagebatch.runner.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.imagebatch.runner.BatchYaml;
import io.imagebatch.runner.Manifests;
import io.imagebatch.runner.cluster.ChildRunner;
import io.imagebatch.vips.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Symbolic links in the source, an empty source, and libvips' warnings, as a user on a terminal
 * meets them: the runner in its own JVM, its log read back.
 */
class LinksAndNoiseIT {
  private static final String BATCH =
      """
      source: { volume: { path: in/ } }
      variants:
        - { name: t, width: 32, formats: [webp] }
      output: { volume: { path: out/ } }
      execution: { maxFailedImages: "100%" }
      """;

  @TempDir Path dir;

  @Test
  void aSourceRootThatIsASymbolicLinkIsFollowed() throws Exception {
    TestImages.write(dir.resolve("photos/a.jpg"), TestImages.jpeg(64, 48));
    Files.createSymbolicLink(dir.resolve("in"), dir.resolve("photos"));

    String log = run(BATCH);

    assertThat(outcomes()).isEqualTo(Map.of("a.jpg", "succeeded"));
    assertThat(dir.resolve("out/a-t.webp")).exists();
    assertThat(log).doesNotContain("no source file matches");
  }

  @Test
  void linksInsideTheRootAreFollowedWithALoopGuardAndRefusedWhenTheyLeaveIt() throws Exception {
    Path in = dir.resolve("in");
    TestImages.write(in.resolve("sub/a.jpg"), TestImages.jpeg(64, 48));
    TestImages.write(dir.resolve("outside/secret.jpg"), TestImages.jpeg(64, 48));
    Files.createSymbolicLink(in.resolve("alias"), in.resolve("sub"));
    Files.createSymbolicLink(in.resolve("sub/loop"), in);
    Files.createSymbolicLink(in.resolve("escape.jpg"), dir.resolve("outside/secret.jpg"));
    Files.createSymbolicLink(in.resolve("elsewhere"), dir.resolve("outside"));

    String log = run(BATCH);

    String outside = dir.resolve("outside").toRealPath().toString();
    assertThat(outcomes())
        .isEqualTo(
            Map.of(
                "sub/a.jpg",
                "succeeded",
                "alias/a.jpg",
                "succeeded",
                "escape.jpg",
                "SourceRefused: escape.jpg is a symbolic link to "
                    + outside
                    + "/secret.jpg, outside the source root "
                    + in,
                "elsewhere",
                "SourceRefused: elsewhere is a symbolic link to "
                    + outside
                    + ", outside the source root "
                    + in));
    assertThat(log).contains("symbolic link loop not followed link=sub/loop");
    assertThat(dir.resolve("out/escape-t.webp")).doesNotExist();
  }

  @Test
  void anEmptySourceSaysWhichDirectoryAndPatternsMatchedNothing() throws Exception {
    Files.createDirectories(dir.resolve("in"));
    Files.writeString(dir.resolve("in/notes.txt"), "no images here");

    String log = run(BATCH.replace("path: in/ }", "path: in/ }, include: [\"**/*.jpg\"]"));

    assertThat(log)
        .contains(
            "WARN  no source file matches directory="
                + dir.resolve("in")
                + " include=[**/*.jpg] exclude=[]");
  }

  @Test
  void libvipsWarningsAreTiedToTheirImageAndLoggedOnceWithACount() throws Exception {
    byte[] odd = TestImages.jpegWithExifResolutionUnit(64, 48, 5);
    for (int i = 0; i < 3; i++) {
      TestImages.write(dir.resolve("in/odd-" + i + ".jpg"), odd);
    }
    TestImages.write(dir.resolve("in/plain.jpg"), TestImages.jpeg(64, 48));

    String log = run(BATCH);

    Map<String, JsonNode> lines =
        Manifests.local(dir).stream()
            .collect(Collectors.toMap(l -> l.get("source").asText(), l -> l));
    for (int i = 0; i < 3; i++) {
      assertThat(lines.get("odd-" + i + ".jpg").get("warnings").toString())
          .isEqualTo("[\"unknown EXIF resolution unit\"]");
    }
    assertThat(lines.get("plain.jpg").has("warnings")).isFalse();
    assertThat(log.lines().filter(l -> l.contains("unknown EXIF resolution unit")))
        .hasSize(2)
        .anyMatch(
            l ->
                l.matches(
                    ".*WARN  libvips warning message=unknown EXIF resolution unit source=odd-\\d\\.jpg"))
        .anyMatch(
            l ->
                l.matches(
                    ".*WARN  libvips warning message=unknown EXIF resolution unit count=\\d+"));
  }

  private String run(String spec) throws Exception {
    Path yaml = BatchYaml.write(dir, spec);
    Path log = dir.resolve("runner.log");
    Process runner =
        ChildRunner.start(
            List.of(),
            List.of("run", yaml.toString(), "--concurrency", "2"),
            new TreeMap<>(Map.of("IMAGEBATCH_LOG_FORMAT", "text")),
            log);
    assertThat(runner.waitFor(2, TimeUnit.MINUTES)).isTrue();
    String text = Files.readString(log);
    assertThat(runner.exitValue()).as(text).isZero();
    return text;
  }

  private Map<String, String> outcomes() {
    return Manifests.local(dir).stream()
        .collect(Collectors.toMap(l -> l.get("source").asText(), Manifests::outcome));
  }
}
