package io.imagebatch.runner.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imagebatch.api.v1alpha1.Fit;
import io.imagebatch.api.v1alpha1.ImageBatchSpec;
import io.imagebatch.api.v1alpha1.Overwrite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BatchFileTest {
  private static final String VALID =
      """
      source: { volume: { path: in/ } }
      variants:
        - { name: thumb, width: 400, formats: [webp] }
      output: { volume: { path: out/ } }
      """;

  @TempDir Path dir;

  @BeforeEach
  void sourceDirectory() throws IOException {
    Files.createDirectories(dir.resolve("in"));
  }

  @Test
  void appliesTheContractDefaults() {
    ImageBatchSpec spec = load(VALID).spec();
    assertThat(spec.runner()).isEqualTo("default");
    assertThat(spec.encoding().webp().quality()).isEqualTo(80);
    assertThat(spec.encoding().webp().effort()).isEqualTo(4);
    assertThat(spec.encoding().avif().quality()).isEqualTo(60);
    assertThat(spec.encoding().jpeg().quality()).isEqualTo(82);
    assertThat(spec.encoding().jpeg().progressive()).isTrue();
    assertThat(spec.encoding().png().compression()).isEqualTo(6);
    assertThat(spec.output().pathTemplate()).isEqualTo("{dir}/{stem}-{variant}.{format}");
    assertThat(spec.output().overwrite()).isEqualTo(Overwrite.IfChanged);
    assertThat(spec.processing().autoRotate()).isTrue();
    assertThat(spec.processing().stripMetadata()).isTrue();
    assertThat(spec.processing().enlarge()).isFalse();
    assertThat(spec.limits().maxInputPixels()).isEqualTo(100_000_000L);
    assertThat(Quantities.bytes(spec.limits().maxInputBytes())).isEqualTo(256L * 1024 * 1024);
    assertThat(spec.limits().failOn().nick()).isEqualTo("warning");
    assertThat(spec.execution().imagesPerShard()).isEqualTo(200);
    assertThat(spec.execution().maxFailedImages().getIntVal()).isZero();
    assertThat(spec.source().include()).contains("**/*.jpg", "**/*.heic");
    assertThat(spec.variants().getFirst().fit()).isEqualTo(Fit.INSIDE);
    assertThat(load(VALID).generation()).isEqualTo("local");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          unknown field       | variants: [{ name: a, widht: 4, formats: [webp] }]       | spec.variants[0].widht: unknown field
          bad enum            | variants: [{ name: a, width: 4, formats: [gif] }]        | spec.variants[0].formats[0]: invalid value "gif": expected one of [webp, avif, jpeg, png]
          wrong type          | variants: [{ name: a, width: wide, formats: [webp] }]    | spec.variants[0].width: invalid value "wide": expected a value of type Integer
          no formats          | variants: [{ name: a, width: 4, formats: [] }]           | spec.variants[0].formats: must list at least one format
          no size             | variants: [{ name: a, formats: [webp] }]                 | spec.variants[0]: set width, height or both
          width too big       | variants: [{ name: a, width: 20000, formats: [webp] }]   | spec.variants[0].width: must be between 1 and 16384, not 20000
          height zero         | variants: [{ name: a, height: 0, formats: [webp] }]      | spec.variants[0].height: must be between 1 and 16384, not 0
          duplicate names     | variants: [{ name: a, width: 4, formats: [webp] }, { name: a, width: 8, formats: [webp] }] | spec.variants[1].name: duplicate variant name "a"
          bad name            | variants: [{ name: Big_Name, width: 4, formats: [webp] }] | spec.variants[0].name: "Big_Name" must be a DNS label: lowercase letters, digits and '-'
          cover needs both    | variants: [{ name: a, width: 4, fit: cover, formats: [webp] }] | spec.variants[0].fit: cover needs both width and height
          repeated format     | variants: [{ name: a, width: 4, formats: [webp, webp] }] | spec.variants[0].formats: lists a format twice
          """)
  void refusesBadVariants(String name, String variants, String error) {
    String spec =
        VALID.replace("variants:\n  - { name: thumb, width: 400, formats: [webp] }", variants);
    assertThatThrownBy(() -> load(spec))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining(error);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          webp quality     | encoding: { webp: { quality: 101 } }       | spec.encoding.webp.quality: must be between 1 and 100, not 101
          webp effort      | encoding: { webp: { effort: 7 } }          | spec.encoding.webp.effort: must be between 0 and 6, not 7
          avif effort      | encoding: { avif: { effort: 10 } }         | spec.encoding.avif.effort: must be between 0 and 9, not 10
          jpeg quality     | encoding: { jpeg: { quality: 0 } }         | spec.encoding.jpeg.quality: must be between 1 and 100, not 0
          png compression  | encoding: { png: { compression: 10 } }     | spec.encoding.png.compression: must be between 0 and 9, not 10
          percent          | execution: { maxFailedImages: "101%" }     | spec.execution.maxFailedImages: must be a non-negative integer, or a percentage from 0% to 100% such as "1%" or "2.5%", not "101%"
          negative percent | execution: { maxFailedImages: "-1%" }      | spec.execution.maxFailedImages: must be a non-negative integer, or a percentage from 0% to 100% such as "1%" or "2.5%", not "-1%"
          bare dot         | execution: { maxFailedImages: "1.%" }      | spec.execution.maxFailedImages: must be a non-negative integer, or a percentage from 0% to 100% such as "1%" or "2.5%", not "1.%"
          not a percent    | execution: { maxFailedImages: "lots" }     | spec.execution.maxFailedImages: must be a non-negative integer, or a percentage from 0% to 100% such as "1%" or "2.5%", not "lots"
          negative count   | execution: { maxFailedImages: -1 }         | spec.execution.maxFailedImages: must be a non-negative integer, or a percentage from 0% to 100% such as "1%" or "2.5%", not -1
          parallelism      | execution: { parallelism: 1001 }           | spec.execution.parallelism: must be between 1 and 1000, not 1001
          shard size       | execution: { imagesPerShard: 0 }           | spec.execution.imagesPerShard: must be between 1 and 100000, not 0
          deadline         | execution: { activeDeadlineSeconds: 0 }    | spec.execution.activeDeadlineSeconds: must be at least 1, not 0
          pixels           | limits: { maxInputPixels: 0 }              | spec.limits.maxInputPixels: must be at least 1, not 0
          bytes            | limits: { maxInputBytes: "many" }          | spec.limits.maxInputBytes
          fail level       | limits: { failOn: sometimes }              | spec.limits.failOn: invalid value "sometimes": expected one of [none, truncated, error, warning]
          no stem          | output: { volume: { path: out/ }, pathTemplate: "{variant}.{format}" } | spec.output.pathTemplate: must contain {stem} or {name}
          unknown holder   | output: { volume: { path: out/ }, pathTemplate: "{stem}-{variant}-{size}.{format}" } | spec.output.pathTemplate: unknown placeholder {size}
          escape           | output: { volume: { path: out/ }, pathTemplate: "../{stem}-{variant}.{format}" } | spec.output.pathTemplate: must not contain '..'
          two outputs      | output: { volume: { path: out/ }, s3: { bucket: b } } | spec.output: set exactly one of s3, volume (found s3 and volume)
          """)
  void refusesBadSettings(String name, String extra, String error) {
    String spec =
        extra.startsWith("output:")
            ? VALID.replace("output: { volume: { path: out/ } }", extra)
            : VALID + extra;
    assertThatThrownBy(() -> load(spec))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining(error);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"2.5%", "0.1%", "100%", "0%"})
  void acceptsDecimalPercentages(String percent) {
    LoadedBatch batch = load(VALID + "execution: { maxFailedImages: \"" + percent + "\" }");
    assertThat(batch.spec().execution().maxFailedImages().getStrVal()).isEqualTo(percent);
  }

  @Test
  void refusesFormatsTheLibvipsBuildCannotWrite() {
    LoadedBatch batch = load(VALID.replace("formats: [webp]", "formats: [webp, avif]"));
    assertThatThrownBy(() -> SpecValidator.requireSavers(batch, java.util.Set.of("WEBP", "JPEG")))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining(
            "spec.variants[0].formats: avif cannot be written by this libvips build (it writes"
                + " [jpeg, webp])");
    SpecValidator.requireSavers(batch, java.util.Set.of("WEBP", "AVIF"));
  }

  @Test
  void refusesASpecWithoutASource() {
    assertThatThrownBy(() -> load(VALID.replace("source: { volume: { path: in/ } }", "source: {}")))
        .hasMessageContaining("spec.source: set exactly one of s3, http, volume (none is set)");
  }

  @Test
  void refusesAClaimNameInLocalMode() {
    assertThatThrownBy(
            () -> load(VALID.replace("{ path: in/ }", "{ claimName: uploads, path: in/ }")))
        .hasMessageContaining(
            "spec.source.volume.claimName: local mode reads local directories: remove claimName,"
                + " or run the batch in a cluster");
  }

  @Test
  void refusesAMissingSourceDirectory() {
    assertThatThrownBy(() -> load(VALID.replace("in/", "missing/")))
        .hasMessageContaining(
            "spec.source.volume.path: directory " + dir.resolve("missing") + " does not exist");
  }

  @Test
  void refusesOtherKindsAndVersions() throws IOException {
    Path file = dir.resolve("other.yaml");
    Files.writeString(file, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
    assertThatThrownBy(() -> BatchFile.load(file, SpecValidator.Mode.LOCAL))
        .hasMessageContaining("apiVersion: must be imagebatch.io/v1alpha1, not v1");
  }

  @Test
  void refusesBrokenYaml() throws IOException {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, "apiVersion: [unclosed\n");
    assertThatThrownBy(() -> BatchFile.load(file, SpecValidator.Mode.LOCAL))
        .hasMessageContaining("(document): not valid YAML");
  }

  @Test
  void reportsEveryErrorAtOnce() {
    String spec =
        """
        source: { volume: { path: in/ } }
        variants:
          - { name: a, width: 0, formats: [webp] }
          - { name: a, width: 10, formats: [] }
        output: { volume: { path: out/ } }
        """;
    assertThatThrownBy(() -> load(spec))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors()).hasSize(3));
  }

  private LoadedBatch load(String spec) {
    return BatchFile.load(
        io.imagebatch.runner.BatchYaml.write(dir, spec), SpecValidator.Mode.LOCAL);
  }
}
