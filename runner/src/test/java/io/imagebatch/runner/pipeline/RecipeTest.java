package io.imagebatch.runner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagebatch.runner.BatchYaml;
import io.imagebatch.runner.config.BatchFile;
import io.imagebatch.runner.config.SpecValidator;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The overwrite fingerprint's settings hash is a contract with every output already written: the
 * same settings must give the same hash in every release, or IfChanged reprocesses everything.
 */
class RecipeTest {
  @TempDir Path dir;

  @org.junit.jupiter.api.BeforeEach
  void sourceDirectory() throws java.io.IOException {
    java.nio.file.Files.createDirectories(dir.resolve("in"));
  }

  @Test
  void theSettingsEncodingAndItsHashAreStable() {
    List<Recipe> recipes =
        Recipe.of(
                BatchFile.load(
                        BatchYaml.write(
                            dir,
                            """
                            source: { volume: { path: in/ } }
                            variants:
                              - { name: thumb, width: 400, formats: [webp, avif] }
                              - { name: card, width: 480, height: 480, fit: cover, formats: [jpeg, png] }
                            output: { volume: { path: out/ } }
                            """),
                        SpecValidator.Mode.LOCAL)
                    .spec())
            .stream()
            .flatMap(List::stream)
            .toList();

    String processing = "ProcessingSpec[autoRotate=true, stripMetadata=true, enlarge=false]";
    assertThat(recipes)
        .extracting(r -> Recipe.settingsV1(r.variant(), r.save(), PROCESSING_DEFAULTS))
        .containsExactly(
            "v1|400|null|INSIDE|Webp[quality=80, effort=4, strip=true]|" + processing,
            "v1|400|null|INSIDE|Avif[quality=60, effort=4, strip=true]|" + processing,
            "v1|480|480|COVER|Jpeg[quality=82, progressive=true, strip=true]|" + processing,
            "v1|480|480|COVER|Png[compression=6, strip=true]|" + processing);
    // Golden: the hashes that outputs written by earlier releases carry (their fingerprints took
    // this text from records' toString(); checked against it when the encoding was spelled out).
    assertThat(recipes)
        .extracting(Recipe::settingsHash)
        .containsExactly(
            "6dc3a6c6110355e7", "88c5b74a4f8e372a", "c61d4110f44a1494", "2bed2c59f3114e8f");
  }

  private static final io.imagebatch.api.v1alpha1.ProcessingSpec PROCESSING_DEFAULTS =
      new io.imagebatch.api.v1alpha1.ProcessingSpec(true, true, false);
}
