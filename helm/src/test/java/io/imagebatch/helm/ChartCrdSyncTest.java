package io.imagebatch.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart ships the repository's CRDs unchanged: {@code helm/imagebatch/crds/} = {@code crds/}.
 */
class ChartCrdSyncTest {

  private static final String FIX = "cp crds/*.yml helm/imagebatch/crds/";

  @Test
  void chartCrdsAreTheRepositoryCrds() throws IOException {
    Path repoCrds = Path.of("..", "crds").toAbsolutePath().normalize();
    Path chartCrds = Chart.dir().resolve("crds");

    assertThat(names(chartCrds))
        .as(
            "helm/imagebatch/crds/ holds the same files as crds/; from the repository root run: %s",
            FIX)
        .isEqualTo(names(repoCrds));
    for (String name : names(repoCrds)) {
      assertThat(Files.readString(chartCrds.resolve(name)))
          .as(
              "helm/imagebatch/crds/%s differs from crds/%s; from the repository root run: %s",
              name, name, FIX)
          .isEqualTo(Files.readString(repoCrds.resolve(name)));
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
