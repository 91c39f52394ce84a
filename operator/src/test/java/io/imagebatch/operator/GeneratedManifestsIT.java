package io.imagebatch.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks what the Quarkus build generated (target/kubernetes, after package): the CRDs match the
 * committed crds/, and no RBAC is generated (the chart holds it).
 */
class GeneratedManifestsIT {
  static final String REGENERATE =
      "./mvnw -pl operator -am package -DskipTests -Dimagebatch.crds.update=true";

  private static Path generated() {
    return Path.of(System.getProperty("imagebatch.generated.dir", "target/kubernetes"));
  }

  @Test
  void committedCrdsMatchTheGeneratedOnes() throws IOException {
    List<Path> crds;
    try (Stream<Path> files = Files.list(generated())) {
      crds =
          files
              .filter(f -> f.getFileName().toString().endsWith(".imagebatch.io-v1.yml"))
              .sorted()
              .toList();
    }
    assertThat(crds).as("CRDs generated in " + generated()).isNotEmpty();
    for (Path crd : crds) {
      Path committed = InProcessOperator.crdsDir().resolve(crd.getFileName());
      assertThat(Files.exists(committed) ? Files.readString(committed) : "")
          .as("crds/ is stale: run " + REGENERATE + " and commit crds/")
          .isEqualTo(Files.readString(crd));
    }
  }

  /**
   * The operator's RBAC is written once, in the chart (helm/imagebatch/templates/_helpers.tpl), and
   * proven there (ChartTemplateTest, OperatorRbacIT, the packaged-operator ITs). The build must not
   * generate a second, wider copy: quarkus-operator-sdk would grant every verb on ImageRunners.
   */
  @Test
  void theBuildGeneratesNoRbacBesideTheCharts() throws IOException {
    assertThat(generatedObjects())
        .extracting(HasMetadata::getKind)
        .doesNotContain("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")
        .contains("Deployment", "ServiceAccount");
  }

  private static List<HasMetadata> generatedObjects() throws IOException {
    KubernetesSerialization serialization = new KubernetesSerialization();
    Object parsed =
        serialization.unmarshal(Files.readString(generated().resolve("kubernetes.yml")));
    List<HasMetadata> items =
        parsed instanceof KubernetesList list
            ? list.getItems()
            : parsed instanceof List<?> l
                ? l.stream().map(HasMetadata.class::cast).toList()
                : List.of((HasMetadata) parsed);
    return items;
  }
}
