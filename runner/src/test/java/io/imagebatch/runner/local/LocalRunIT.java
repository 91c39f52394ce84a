package io.imagebatch.runner.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagebatch.api.contract.ExitCode;
import io.imagebatch.runner.BatchYaml;
import io.imagebatch.runner.MainAccess;
import io.imagebatch.vips.FailOn;
import io.imagebatch.vips.TestImages;
import io.imagebatch.vips.VipsImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real libvips on real (generated) images through the whole local run. */
class LocalRunIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TWO_VARIANTS =
      """
      source: { volume: { path: in/ } }
      variants:
        - { name: small, width: 100, formats: [webp, jpeg] }
        - { name: box, width: 64, height: 64, fit: cover, formats: [png] }
      output: { volume: { path: out/ } }
      execution: { maxFailedImages: 10 }
      """;

  @TempDir Path dir;

  @Test
  void everyBadInputIsOneFailureAndEveryGoodOneIsProduced() throws IOException {
    Path in = dir.resolve("in");
    TestImages.write(in.resolve("good/a.jpg"), TestImages.jpeg(640, 480));
    TestImages.write(in.resolve("good/b.png"), TestImages.png(150, 100));
    TestImages.write(in.resolve("bad/truncated.jpg"), TestImages.truncatedJpeg(800, 600));
    TestImages.write(in.resolve("bad/empty.jpg"), new byte[0]);
    TestImages.write(in.resolve("bad/text.jpg"), TestImages.text());
    TestImages.write(in.resolve("bad/random.png"), TestImages.randomBytes(4096, 7));
    TestImages.write(in.resolve("bad/bomb.png"), TestImages.pngClaiming(100_000, 100_000));
    TestImages.write(in.resolve("bad/huge.jpg"), TestImages.jpeg(4000, 3000));
    Path yaml =
        BatchYaml.write(
            dir,
            TWO_VARIANTS.replace(
                "execution: { maxFailedImages: 10 }",
                "execution: { maxFailedImages: 10 }\nlimits: { maxInputBytes: \"100Ki\" }"));
    // huge.jpg is a real JPEG, over the 100 KiB limit set above; the good ones are under it.
    assertThat(Files.size(in.resolve("bad/huge.jpg"))).isGreaterThan(100 * 1024);
    assertThat(Files.size(in.resolve("good/a.jpg"))).isLessThan(100 * 1024);

    Result result = run(yaml);

    assertThat(result.exit()).isEqualTo(ExitCode.OK);
    Map<String, JsonNode> lines = manifest();
    assertThat(lines).hasSize(8);
    assertThat(reason(lines, "bad/truncated.jpg")).isEqualTo("CorruptInput");
    assertThat(reason(lines, "bad/empty.jpg")).isEqualTo("EmptyInput");
    assertThat(reason(lines, "bad/text.jpg")).isEqualTo("UnsupportedFormat");
    assertThat(reason(lines, "bad/random.png")).isEqualTo("UnsupportedFormat");
    assertThat(reason(lines, "bad/bomb.png")).isEqualTo("InputTooLarge");
    assertThat(lines.get("bad/bomb.png").get("message").asText())
        .isEqualTo("10000000000 px > maxInputPixels 100000000 (100000x100000)");
    assertThat(reason(lines, "bad/huge.jpg")).isEqualTo("InputTooManyBytes");
    assertThat(message(lines, "bad/huge.jpg"))
        .isEqualTo(Files.size(in.resolve("bad/huge.jpg")) + " bytes > maxInputBytes 102400");
    assertThat(message(lines, "bad/empty.jpg")).isEqualTo("the source is empty (0 bytes)");
    assertThat(message(lines, "bad/text.jpg")).isEqualTo("not an image libvips can read");
    assertThat(message(lines, "bad/random.png")).isEqualTo("not an image libvips can read");
    // libvips' own text, from libjpeg: its wording varies between builds, its subject does not.
    assertThat(message(lines, "bad/truncated.jpg"))
        .startsWith("vips_image_copy_memory: VipsJpeg: ")
        .containsIgnoringCase("premature end");
    for (String good : List.of("good/a.jpg", "good/b.png")) {
      assertThat(lines.get(good).get("status").asText()).isEqualTo("succeeded");
      assertThat(lines.get(good).get("variants")).hasSize(3);
    }
    assertThat(dir.resolve("out/good/a-small.webp")).exists();
    assertThat(dir.resolve("out/good/a-small.jpeg")).exists();
    assertThat(dir.resolve("out/good/b-box.png")).exists();
    assertThat(dir.resolve("out/bad")).doesNotExist();
    assertThat(result.stdout()).contains("8 images, 2 succeeded, 6 failed, 0 skipped");
    try (Stream<Path> files = Files.walk(dir.resolve("out"))) {
      assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
    }
  }

  @Test
  void manifestLinesDescribeEveryWrittenVariant() throws IOException {
    TestImages.write(dir.resolve("in/x.jpg"), TestImages.jpeg(400, 200));
    run(BatchYaml.write(dir, TWO_VARIANTS));

    JsonNode line = manifest().get("x.jpg");
    assertThat(line.get("width").asInt()).isEqualTo(400);
    assertThat(line.get("height").asInt()).isEqualTo(200);
    assertThat(line.get("sha256").asText()).hasSize(64);
    JsonNode webp = line.get("variants").get(0);
    assertThat(webp.get("variant").asText()).isEqualTo("small");
    assertThat(webp.get("format").asText()).isEqualTo("webp");
    assertThat(webp.get("path").asText()).isEqualTo("x-small.webp");
    assertThat(webp.get("width").asInt()).isEqualTo(100);
    assertThat(webp.get("height").asInt()).isEqualTo(50);
    assertThat(webp.get("bytes").asLong()).isEqualTo(Files.size(dir.resolve("out/x-small.webp")));
    assertThat(webp.has("ms")).isTrue();
    assertThat(webp.get("status").asText()).isEqualTo("written");
    assertThat(line.get("variants").get(2).get("path").asText()).isEqualTo("x-box.png");
  }

  @Test
  void aRerunSkipsWhatIsCurrentAndRedoesWhatChanged() throws IOException {
    TestImages.write(dir.resolve("in/one.jpg"), TestImages.jpeg(300, 200));
    TestImages.write(dir.resolve("in/two.jpg"), TestImages.jpeg(200, 300));
    Path yaml = BatchYaml.write(dir, TWO_VARIANTS);
    run(yaml);
    byte[] before = Files.readAllBytes(dir.resolve("out/two-small.webp"));

    TestImages.write(dir.resolve("in/one.jpg"), TestImages.jpeg(320, 200));
    Result second = run(yaml);

    assertThat(second.stdout()).contains("2 images, 1 succeeded, 0 failed, 1 skipped");
    assertThat(manifest().get("two.jpg").get("status").asText()).isEqualTo("skipped");
    assertThat(manifest().get("one.jpg").get("status").asText()).isEqualTo("succeeded");
    assertThat(Files.readAllBytes(dir.resolve("out/two-small.webp"))).isEqualTo(before);
    assertThat(dimensions(dir.resolve("out/one-small.webp"))).containsExactly(100, 63);
  }

  @Test
  void aSettingsChangeRewritesEvenWithTheSameSourceBytes() throws IOException {
    TestImages.write(dir.resolve("in/one.jpg"), TestImages.jpeg(300, 200));
    run(BatchYaml.write(dir, TWO_VARIANTS));
    Result second =
        run(BatchYaml.write(dir, TWO_VARIANTS + "encoding: { webp: { quality: 50 } }\n"));
    assertThat(second.stdout()).contains("1 images, 1 succeeded");
    JsonNode variants = manifest().get("one.jpg").get("variants");
    assertThat(variants.get(0).get("status").asText()).isEqualTo("written"); // webp changed
    assertThat(variants.get(1).get("status").asText()).isEqualTo("skipped"); // jpeg did not
  }

  @Test
  void neverAndAlwaysOverwrite() throws IOException {
    TestImages.write(dir.resolve("in/one.jpg"), TestImages.jpeg(300, 200));
    run(BatchYaml.write(dir, TWO_VARIANTS));
    String never = TWO_VARIANTS.replace("{ path: out/ } }", "{ path: out/ }, overwrite: Never }");
    TestImages.write(dir.resolve("in/one.jpg"), TestImages.jpeg(320, 200));
    assertThat(run(BatchYaml.write(dir, never)).stdout()).contains("1 skipped");
    String always = TWO_VARIANTS.replace("{ path: out/ } }", "{ path: out/ }, overwrite: Always }");
    assertThat(run(BatchYaml.write(dir, always)).stdout()).contains("3 variants written");
  }

  @Test
  void theSpecialCasesComeOutRight() throws IOException {
    Path in = dir.resolve("in");
    TestImages.write(in.resolve("cmyk.jpg"), TestImages.cmykJpeg(400, 300));
    TestImages.write(in.resolve("deep.png"), TestImages.png16(400, 300));
    TestImages.write(in.resolve("alpha.png"), TestImages.transparentPng(400, 300));
    TestImages.write(in.resolve("rotated.jpg"), TestImages.jpegWithOrientation(300, 200, 6));
    TestImages.write(in.resolve("dot.png"), TestImages.png(1, 1));
    TestImages.write(in.resolve("grey.jpg"), TestImages.greyJpeg(400, 300));
    TestImages.write(in.resolve("panorama.jpg"), TestImages.jpeg(20000, 600));
    Path yaml =
        BatchYaml.write(
            dir,
            """
            source: { volume: { path: in/ } }
            variants:
              - { name: w100, width: 100, formats: [jpeg, webp] }
            output: { volume: { path: out/ } }
            """);

    assertThat(run(yaml).exit()).isEqualTo(ExitCode.OK);

    Map<String, JsonNode> lines = manifest();
    lines.values().forEach(line -> assertThat(line.get("status").asText()).isEqualTo("succeeded"));
    try (VipsImage cmyk = open("out/cmyk-w100.jpeg")) {
      assertThat(cmyk.interpretation()).isEqualTo("srgb");
      assertThat(cmyk.bands()).isEqualTo(3);
    }
    try (VipsImage deep = open("out/deep-w100.webp")) {
      assertThat(deep.interpretation()).isEqualTo("srgb");
      assertThat(new int[] {deep.width(), deep.height()}).containsExactly(100, 75);
      assertThat(deep.stringField("icc-profile-data")).isEmpty(); // stripped, after sRGB
    }
    try (VipsImage flat = open("out/alpha-w100.jpeg")) {
      assertThat(flat.bands()).isEqualTo(3);
      assertThat(flat.average()).isGreaterThan(250); // white, not black
    }
    try (VipsImage kept = open("out/alpha-w100.webp")) {
      assertThat(kept.hasAlpha()).isTrue();
    }
    assertThat(dimensions(dir.resolve("out/rotated-w100.jpeg"))).containsExactly(100, 150);
    assertThat(dimensions(dir.resolve("out/dot-w100.jpeg"))).containsExactly(1, 1);
    try (VipsImage grey = open("out/grey-w100.webp")) {
      assertThat(grey.width()).isEqualTo(100);
    }
    assertThat(dimensions(dir.resolve("out/panorama-w100.webp"))).containsExactly(100, 3);
    try (VipsImage stripped = open("out/rotated-w100.jpeg")) {
      assertThat(stripped.stringField("exif-data")).isEmpty();
      assertThat(stripped.header().orientation()).isEqualTo(1);
    }
  }

  @Test
  void aSeventyFiveMegapixelJpegIsProcessed() throws IOException {
    TestImages.write(dir.resolve("in/big.jpg"), TestImages.jpeg(10000, 7500));
    Path yaml =
        BatchYaml.write(
            dir,
            """
            source: { volume: { path: in/ } }
            variants:
              - { name: w1200, width: 1200, formats: [webp] }
            output: { volume: { path: out/ } }
            """);
    assertThat(run(yaml).exit()).isEqualTo(ExitCode.OK);
    assertThat(dimensions(dir.resolve("out/big-w1200.webp"))).containsExactly(1200, 900);
  }

  @Test
  void eachFitAndTheEnlargeSwitch() throws IOException {
    TestImages.write(dir.resolve("in/wide.jpg"), TestImages.jpeg(800, 400));
    TestImages.write(dir.resolve("in/tiny.jpg"), TestImages.jpeg(50, 40));
    String variants =
        """
        source: { volume: { path: in/ } }
        variants:
          - { name: inside, width: 200, height: 200, formats: [png] }
          - { name: cover, width: 200, height: 200, fit: cover, formats: [png] }
          - { name: contain, width: 200, height: 200, fit: contain, formats: [png] }
          - { name: fill, width: 200, height: 200, fit: fill, formats: [png] }
        output: { volume: { path: out/ } }
        """;
    run(BatchYaml.write(dir, variants));
    assertThat(dimensions(dir.resolve("out/wide-inside.png"))).containsExactly(200, 100);
    assertThat(dimensions(dir.resolve("out/wide-cover.png"))).containsExactly(200, 200);
    assertThat(dimensions(dir.resolve("out/wide-contain.png"))).containsExactly(200, 200);
    assertThat(dimensions(dir.resolve("out/wide-fill.png"))).containsExactly(200, 200);
    for (String fit : List.of("inside", "cover", "contain", "fill")) {
      assertThat(dimensions(dir.resolve("out/tiny-" + fit + ".png")))
          .as("never enlarged, still written: " + fit)
          .containsExactly(50, 40);
    }

    run(BatchYaml.write(dir, variants + "processing: { enlarge: true }\n"));
    assertThat(dimensions(dir.resolve("out/tiny-inside.png"))).containsExactly(200, 160);
    assertThat(dimensions(dir.resolve("out/tiny-fill.png"))).containsExactly(200, 200);
  }

  @Test
  void severalWidthsFromOneDecodeKeepTheirExactSizes() throws IOException {
    TestImages.write(dir.resolve("in/photo.png"), TestImages.png(1600, 1200));
    TestImages.write(dir.resolve("in/small.jpg"), TestImages.jpeg(250, 100));
    run(
        BatchYaml.write(
            dir,
            """
            source: { volume: { path: in/ } }
            variants:
              - { name: w300, width: 300, formats: [webp] }
              - { name: w200, width: 200, formats: [webp, jpeg] }
              - { name: h75, height: 75, formats: [png] }
            output: { volume: { path: out/ } }
            """));
    assertThat(dimensions(dir.resolve("out/photo-w300.webp"))).containsExactly(300, 225);
    assertThat(dimensions(dir.resolve("out/photo-w200.jpeg"))).containsExactly(200, 150);
    assertThat(dimensions(dir.resolve("out/photo-h75.png"))).containsExactly(100, 75);
    assertThat(dimensions(dir.resolve("out/small-w300.webp"))).containsExactly(250, 100);
    assertThat(dimensions(dir.resolve("out/small-w200.webp"))).containsExactly(200, 80);
    assertThat(dimensions(dir.resolve("out/small-h75.png"))).containsExactly(188, 75);
  }

  @Test
  void exceedingMaxFailedImagesFailsTheRunAndSaysSo() throws IOException {
    TestImages.write(dir.resolve("in/ok.jpg"), TestImages.jpeg(100, 100));
    TestImages.write(dir.resolve("in/bad1.jpg"), TestImages.text());
    TestImages.write(dir.resolve("in/bad2.jpg"), TestImages.text());
    Result result =
        run(
            BatchYaml.write(
                dir, TWO_VARIANTS.replace("maxFailedImages: 10", "maxFailedImages: 1")));
    assertThat(result.exit()).isEqualTo(ExitCode.BATCH_FAILED);
    assertThat(result.stdout())
        .contains("batch failed: 2 images failed, maxFailedImages (1) allows 1");
  }

  @Test
  void anInvalidSpecExitsThreeNamingTheField() {
    Result result = run(BatchYaml.write(dir, TWO_VARIANTS.replace("width: 100", "width: 0")));
    assertThat(result.exit()).isEqualTo(ExitCode.INVALID_CONFIGURATION);
    assertThat(result.stderr())
        .contains("spec.variants[0].width: must be between 1 and 16384, not 0");
  }

  private record Result(ExitCode exit, String stdout, String stderr) {}

  private Result run(Path yaml) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    // The human summary is what a user reads on a terminal: the text log format.
    ExitCode exit =
        MainAccess.run(
            new String[] {"run", yaml.toString(), "--concurrency", "2"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("IMAGEBATCH_LOG_FORMAT", "text"));
    return new Result(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Map<String, JsonNode> manifest() throws IOException {
    Map<String, JsonNode> lines = new LinkedHashMap<>();
    for (String line :
        Files.readAllLines(dir.resolve("out/_imagebatch/test/local/manifest/local.jsonl"))) {
      JsonNode node = JSON.readTree(line);
      lines.put(node.get("source").asText(), node);
    }
    return lines;
  }

  private static String message(Map<String, JsonNode> lines, String source) {
    return lines.get(source).get("message").asText();
  }

  private static String reason(Map<String, JsonNode> lines, String source) {
    assertThat(lines.get(source).get("status").asText()).isEqualTo("failed");
    return lines.get(source).get("reason").asText();
  }

  private VipsImage open(String path) {
    return VipsImage.open(dir.resolve(path), FailOn.ERROR);
  }

  private static int[] dimensions(Path file) {
    try (VipsImage image = VipsImage.open(file, FailOn.ERROR)) {
      return new int[] {image.width(), image.height()};
    }
  }
}
