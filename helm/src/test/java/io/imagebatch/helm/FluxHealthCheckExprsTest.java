package io.imagebatch.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.imagebatch.helm.FluxHealthCheck.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code healthCheckExprs} of {@code gitops/flux/kustomizations.yaml}, evaluated with CEL on
 * the same objects as the Argo CD scripts ({@code gitops/argocd/<group>_<kind>/testdata/}), so both
 * GitOps tools agree: Argo CD's Healthy is Flux's Current, Degraded is Failed, Progressing is
 * InProgress, and a Suspended batch (Git asked for the pause) is Current.
 */
class FluxHealthCheckExprsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("ImageBatch", "no-status", Status.Unknown),
        Arguments.of("ImageBatch", "generation-behind", Status.InProgress),
        Arguments.of("ImageBatch", "planning", Status.InProgress),
        Arguments.of("ImageBatch", "running", Status.InProgress),
        Arguments.of("ImageBatch", "succeeded", Status.Current),
        Arguments.of("ImageBatch", "failed", Status.Failed),
        Arguments.of("ImageBatch", "stalled", Status.Failed),
        Arguments.of("ImageBatch", "suspended", Status.Current),
        Arguments.of("ImageRunner", "no-status", Status.Unknown),
        Arguments.of("ImageRunner", "generation-behind", Status.InProgress),
        Arguments.of("ImageRunner", "verifying", Status.InProgress),
        Arguments.of("ImageRunner", "degraded", Status.Failed),
        Arguments.of("ImageRunner", "healthy", Status.Current),
        Arguments.of("ImageRunner", "healthy-without-message", Status.Current),
        Arguments.of("ImageRunner", "not-ready", Status.InProgress));
  }

  @ParameterizedTest(name = "{0} {1}: {2}")
  @MethodSource("cases")
  void fluxSeesWhatArgoCdSees(String kind, String fixture, Status expected) throws IOException {
    JsonNode object =
        YAML.readTree(
            HealthScript.argoCdDir()
                .resolve("imagebatch.io_" + kind)
                .resolve("testdata")
                .resolve(fixture + ".yaml")
                .toFile());

    assertThat(checks().get(kind).evaluate(object)).isEqualTo(expected);
  }

  /** The image-jobs Kustomization's expressions, by kind. */
  private static Map<String, FluxHealthCheck> checks() throws IOException {
    Path file = HealthScript.argoCdDir().resolveSibling("flux").resolve("kustomizations.yaml");
    JsonNode imageJobs = null;
    for (JsonNode doc :
        YAML.readValues(YAML.createParser(file.toFile()), JsonNode.class).readAll()) {
      if ("image-jobs".equals(doc.path("metadata").path("name").asText())) {
        imageJobs = doc;
      }
    }
    assertThat(imageJobs).as("Kustomization image-jobs in %s", file).isNotNull();
    Map<String, FluxHealthCheck> checks = new HashMap<>();
    for (JsonNode entry : imageJobs.path("spec").path("healthCheckExprs")) {
      assertThat(entry.path("apiVersion").asText()).isEqualTo("imagebatch.io/v1alpha1");
      checks.put(entry.path("kind").asText(), new FluxHealthCheck(entry));
    }
    assertThat(checks).containsOnlyKeys("ImageBatch", "ImageRunner");
    return checks;
  }
}
