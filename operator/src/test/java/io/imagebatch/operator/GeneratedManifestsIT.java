package io.imagebatch.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks what the Quarkus build generated (target/kubernetes, after package): the CRDs match the
 * committed crds/, and the operator's RBAC, generated from the code, is minimal.
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

  @Test
  void theOperatorsRolesGrantNothingOnSecrets() throws IOException {
    List<ClusterRole> roles = clusterRoles();
    assertThat(roles).isNotEmpty();
    List<PolicyRule> rules = roles.stream().flatMap(r -> r.getRules().stream()).toList();
    assertThat(rules)
        .noneMatch(r -> r.getResources().contains("secrets"))
        .noneMatch(r -> r.getResources().contains("*"));
    assertThat(rules)
        .anySatisfy(
            r -> {
              assertThat(r.getApiGroups()).contains("batch");
              assertThat(r.getResources()).contains("jobs");
            });
    // Pods are only read: the Job controller creates them.
    assertThat(rules.stream().filter(r -> r.getResources().contains("pods")))
        .allSatisfy(r -> assertThat(r.getVerbs()).containsOnly("get", "list", "watch"));
  }

  private static List<ClusterRole> clusterRoles() throws IOException {
    KubernetesSerialization serialization = new KubernetesSerialization();
    Object parsed =
        serialization.unmarshal(Files.readString(generated().resolve("kubernetes.yml")));
    List<HasMetadata> items =
        parsed instanceof KubernetesList list
            ? list.getItems()
            : parsed instanceof List<?> l
                ? l.stream().map(HasMetadata.class::cast).toList()
                : List.of((HasMetadata) parsed);
    return items.stream()
        .filter(ClusterRole.class::isInstance)
        .map(ClusterRole.class::cast)
        .toList();
  }
}
