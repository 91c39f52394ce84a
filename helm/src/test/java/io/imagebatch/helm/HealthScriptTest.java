package io.imagebatch.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Argo CD health scripts in {@code gitops/argocd/}, run for real (luaj) on the cases of each
 * kind's {@code health_test.yaml} (Argo CD's own test format): exact status and message.
 */
class HealthScriptTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final List<String> KINDS =
      List.of("imagebatch.io_ImageBatch", "imagebatch.io_ImageRunner");

  /** One case of a health_test.yaml. */
  record Case(String kind, String inputPath, String status, String message) {
    @Override
    public String toString() {
      return kind + " " + inputPath;
    }
  }

  static List<Case> cases(String kind) throws IOException {
    Path tests = HealthScript.argoCdDir().resolve(kind).resolve("health_test.yaml");
    List<Case> cases = new ArrayList<>();
    for (JsonNode test : YAML.readTree(tests.toFile()).path("tests")) {
      cases.add(
          new Case(
              kind,
              test.path("inputPath").asText(),
              test.path("healthStatus").path("status").asText(),
              test.path("healthStatus").path("message").asText()));
    }
    return cases;
  }

  static Stream<Arguments> allCases() throws IOException {
    List<Arguments> all = new ArrayList<>();
    for (String kind : KINDS) {
      cases(kind).forEach(c -> all.add(Arguments.of(c)));
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allCases")
  void scriptGivesTheExpectedHealth(Case c) throws IOException {
    HealthScript script = HealthScript.of(c.kind());
    JsonNode object =
        YAML.readTree(HealthScript.argoCdDir().resolve(c.kind()).resolve(c.inputPath()).toFile());

    assertThat(script.assess(object)).isEqualTo(new HealthScript.Health(c.status(), c.message()));
  }

  /** The cases the contract names stay covered: dropping a fixture fails here. */
  @Test
  void imageBatchCasesCoverEveryPhaseAndTheGenerationGate() throws IOException {
    assertThat(cases("imagebatch.io_ImageBatch"))
        .extracting(Case::inputPath, Case::status)
        .containsExactlyInAnyOrder(
            tuple("testdata/no-status.yaml", "Progressing"),
            tuple("testdata/generation-behind.yaml", "Progressing"),
            tuple("testdata/planning.yaml", "Progressing"),
            tuple("testdata/running.yaml", "Progressing"),
            tuple("testdata/succeeded.yaml", "Healthy"),
            tuple("testdata/failed.yaml", "Degraded"),
            tuple("testdata/stalled.yaml", "Degraded"),
            tuple("testdata/suspended.yaml", "Suspended"));
  }

  @Test
  void imageRunnerCasesCoverEveryConditionAndTheGenerationGate() throws IOException {
    assertThat(cases("imagebatch.io_ImageRunner"))
        .extracting(Case::inputPath, Case::status)
        .containsExactlyInAnyOrder(
            tuple("testdata/no-status.yaml", "Progressing"),
            tuple("testdata/generation-behind.yaml", "Progressing"),
            tuple("testdata/verifying.yaml", "Progressing"),
            tuple("testdata/degraded.yaml", "Degraded"),
            tuple("testdata/healthy.yaml", "Healthy"),
            tuple("testdata/healthy-without-message.yaml", "Healthy"),
            tuple("testdata/not-ready.yaml", "Progressing"));
  }
}
