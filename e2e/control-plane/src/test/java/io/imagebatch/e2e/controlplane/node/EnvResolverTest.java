package io.imagebatch.e2e.controlplane.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvResolverTest {

  @Test
  void expandsKnownReferencesLikeTheKubelet() {
    Map<String, String> env = Map.of("OUT", "/out", "INDEX", "2");

    assertThat(EnvResolver.expand("$(OUT)/part-$(INDEX).jpg", env)).isEqualTo("/out/part-2.jpg");
    assertThat(EnvResolver.expand("$(MISSING) stays", env)).isEqualTo("$(MISSING) stays");
    assertThat(EnvResolver.expand("$$(OUT) is escaped", env)).isEqualTo("$(OUT) is escaped");
    assertThat(EnvResolver.expand("$(basename $(pwd))", env)).isEqualTo("$(basename $(pwd))");
  }
}
