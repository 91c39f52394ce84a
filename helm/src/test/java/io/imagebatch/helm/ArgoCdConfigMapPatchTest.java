package io.imagebatch.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code gitops/argocd/argocd-cm-patch.yaml} embeds exactly the tested {@code health.lua} files,
 * under the keys Argo CD reads, so what users install is what {@link HealthScriptTest} ran.
 */
class ArgoCdConfigMapPatchTest {

  private static final String PREFIX = "resource.customizations.health.";
  private static final List<String> KINDS =
      List.of("imagebatch.io_ImageBatch", "imagebatch.io_ImageRunner");

  private static JsonNode patch() throws IOException {
    return new ObjectMapper(new YAMLFactory())
        .readTree(HealthScript.argoCdDir().resolve("argocd-cm-patch.yaml").toFile());
  }

  @Test
  void patchesArgoCdsConfigMap() throws IOException {
    JsonNode patch = patch();

    assertThat(patch.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(patch.path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(patch.path("metadata").path("name").asText()).isEqualTo("argocd-cm");
  }

  @Test
  void embedsOneHealthCustomizationPerKind() throws IOException {
    List<String> keys = new ArrayList<>();
    patch().path("data").fieldNames().forEachRemaining(keys::add);

    assertThat(keys)
        .containsExactlyInAnyOrderElementsOf(KINDS.stream().map(PREFIX::concat).toList());
  }

  @Test
  void embeddedScriptsAreTheLuaFiles() throws IOException {
    JsonNode data = patch().path("data");
    for (String kind : KINDS) {
      HealthScript script = HealthScript.of(kind);
      assertThat(data.path(PREFIX + kind).asText())
          .as(
              "argocd-cm-patch.yaml's %s%s differs from %s; copy the file into the key, each"
                  + " line indented by 4 spaces: sed 's/^./    &/' gitops/argocd/%s/health.lua",
              PREFIX, kind, script.file(), kind)
          .isEqualTo(script.source());
    }
  }
}
