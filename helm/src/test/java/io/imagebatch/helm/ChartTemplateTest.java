package io.imagebatch.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code helm template} for the main value combinations, asserted on the rendered objects. */
class ChartTemplateTest {

  private static final String NS = "imagebatch-system";

  static Stream<String> variants() {
    return Chart.VARIANTS.keySet().stream().sorted();
  }

  private static List<HasMetadata> render(String variant) {
    return Chart.render(NS, Chart.VARIANTS.get(variant));
  }

  private static Deployment deployment(List<HasMetadata> objects) {
    List<Deployment> deployments = Chart.ofType(objects, Deployment.class);
    assertThat(deployments).hasSize(1);
    return deployments.getFirst();
  }

  private static Container operator(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
  }

  private static Map<String, String> env(Deployment deployment) {
    return operator(deployment).getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void defaultsWatchAllNamespacesWithAClusterRole() {
    List<HasMetadata> objects = render("defaults");

    assertThat(objects)
        .extracting(HasMetadata::getKind, o -> o.getMetadata().getName())
        .containsExactlyInAnyOrder(
            tuple("ServiceAccount", "imagebatch"),
            tuple("ClusterRole", "imagebatch"),
            tuple("ClusterRoleBinding", "imagebatch"),
            tuple("Role", "imagebatch-leader-election"),
            tuple("RoleBinding", "imagebatch-leader-election"),
            tuple("Service", "imagebatch-metrics"),
            tuple("Deployment", "imagebatch"));
    Deployment deployment = deployment(objects);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(operator(deployment).getImage())
        .isEqualTo("ghcr.io/imagebatch/imagebatch-operator:0.1.0");
    assertThat(env(deployment))
        .containsEntry(
            "QUARKUS_OPERATOR_SDK_CONTROLLERS_IMAGEBATCH_NAMESPACES", "JOSDK_ALL_NAMESPACES")
        .containsEntry(
            "QUARKUS_OPERATOR_SDK_CONTROLLERS_IMAGERUNNER_NAMESPACES", "JOSDK_ALL_NAMESPACES")
        .doesNotContainKeys("IMAGEBATCH_RUNNER_IMAGE", "QUARKUS_PROFILE");
    assertThat(operator(deployment).getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("KUBERNETES_NAMESPACE");
              assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                  .isEqualTo("metadata.namespace");
            });
    assertThat(operator(deployment).getLivenessProbe().getHttpGet())
        .satisfies(
            get -> {
              assertThat(get.getPath()).isEqualTo("/q/health/live");
              assertThat(get.getPort().getIntVal()).isEqualTo(8080);
            });
    assertThat(operator(deployment).getReadinessProbe().getHttpGet())
        .satisfies(
            get -> {
              assertThat(get.getPath()).isEqualTo("/q/health/ready");
              assertThat(get.getPort().getIntVal()).isEqualTo(8080);
            });
    assertThat(operator(deployment).getResources().getLimits()).containsKey("memory");
    String serviceAccount =
        Chart.ofType(objects, ServiceAccount.class).getFirst().getMetadata().getName();
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(serviceAccount);

    ClusterRoleBinding binding = Chart.ofType(objects, ClusterRoleBinding.class).getFirst();
    assertThat(binding.getRoleRef().getName()).isEqualTo("imagebatch");
    assertThat(binding.getSubjects())
        .extracting(s -> s.getKind(), s -> s.getName(), s -> s.getNamespace())
        .containsExactly(tuple("ServiceAccount", serviceAccount, NS));
    assertThat(Chart.ofType(objects, ClusterRole.class).getFirst().getRules())
        .extracting(PolicyRule::getApiGroups, PolicyRule::getResources, PolicyRule::getVerbs)
        .containsExactly(OPERATOR_RULES);
    assertThat(objects).noneMatch(o -> o.getKind().equals("ServiceMonitor"));
  }

  /**
   * The operator's rules (the chart is the one place they are written; the packaged-operator ITs
   * run the operator with exactly these). ImageRunners are only read, and only their status
   * written: Git owns their spec.
   */
  private static final org.assertj.core.groups.Tuple[] OPERATOR_RULES = {
    tuple(
        List.of("imagebatch.io"),
        List.of("imagebatches", "imagebatches/status", "imagebatches/finalizers"),
        List.of("get", "list", "watch", "patch", "update", "create", "delete")),
    tuple(
        List.of("batch"),
        List.of("jobs"),
        List.of("get", "list", "watch", "create", "patch", "update", "delete")),
    tuple(List.of(""), List.of("pods"), List.of("get", "list", "watch")),
    tuple(
        List.of(""),
        List.of("configmaps"),
        List.of("get", "list", "watch", "create", "patch", "update")),
    tuple(List.of(""), List.of("persistentvolumeclaims"), List.of("get")),
    tuple(List.of(""), List.of("events"), List.of("create", "patch")),
    tuple(List.of("kueue.x-k8s.io"), List.of("workloads"), List.of("get", "list", "patch")),
    tuple(List.of("imagebatch.io"), List.of("imagerunners"), List.of("get", "list", "watch")),
    tuple(
        List.of("imagebatch.io"),
        List.of("imagerunners/status"),
        List.of("get", "patch", "update")),
  };

  @Test
  void twoReplicasCompeteForTheLeaderLease() {
    List<HasMetadata> objects = render("replicas-2");

    assertThat(deployment(objects).getSpec().getReplicas()).isEqualTo(2);
    // Leader election is on in the image's prod profile (a build-time setting of
    // quarkus-operator-sdk); the chart must grant the Lease and must not switch the profile.
    assertThat(env(deployment(objects))).doesNotContainKey("QUARKUS_PROFILE");
    Role lease = leaderElectionRole(objects);
    assertThat(lease.getMetadata().getNamespace()).isEqualTo(NS);
    assertThat(lease.getRules())
        .extracting(PolicyRule::getApiGroups, PolicyRule::getResources, PolicyRule::getVerbs)
        .containsExactly(
            tuple(
                List.of("coordination.k8s.io"),
                List.of("leases"),
                List.of("get", "create", "update", "patch")));
    RoleBinding binding =
        Chart.ofType(objects, RoleBinding.class).stream()
            .filter(b -> b.getRoleRef().getName().equals(lease.getMetadata().getName()))
            .findFirst()
            .orElseThrow();
    assertThat(binding.getMetadata().getNamespace()).isEqualTo(NS);
    assertThat(binding.getSubjects()).extracting(s -> s.getName()).containsExactly("imagebatch");
  }

  @ParameterizedTest
  @MethodSource("variants")
  void leaseAccessIsGrantedWhateverTheReplicaCount(String variant) {
    assertThat(leaderElectionRole(render(variant)).getMetadata().getNamespace()).isEqualTo(NS);
  }

  private static Role leaderElectionRole(List<HasMetadata> objects) {
    return Chart.ofType(objects, Role.class).stream()
        .filter(r -> r.getRules().stream().anyMatch(rule -> rule.getResources().contains("leases")))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void watchedNamespacesGetRolesAndNothingClusterWide() {
    List<HasMetadata> objects = render("watch-namespaces");

    assertThat(Chart.ofType(objects, ClusterRole.class)).isEmpty();
    assertThat(Chart.ofType(objects, ClusterRoleBinding.class)).isEmpty();
    List<Role> operatorRoles =
        Chart.ofType(objects, Role.class).stream()
            .filter(r -> r.getMetadata().getName().equals("imagebatch"))
            .toList();
    assertThat(operatorRoles)
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactly("a", "b");
    assertThat(operatorRoles)
        .allSatisfy(
            r ->
                assertThat(r.getRules())
                    .extracting(
                        PolicyRule::getApiGroups, PolicyRule::getResources, PolicyRule::getVerbs)
                    .containsExactly(OPERATOR_RULES));
    assertThat(
            Chart.ofType(objects, RoleBinding.class).stream()
                .filter(b -> b.getRoleRef().getName().equals("imagebatch")))
        .extracting(
            b -> b.getMetadata().getNamespace(), b -> b.getSubjects().getFirst().getNamespace())
        .containsExactly(tuple("a", NS), tuple("b", NS));
    assertThat(env(deployment(objects)))
        .containsEntry("QUARKUS_OPERATOR_SDK_CONTROLLERS_IMAGEBATCH_NAMESPACES", "a,b")
        .containsEntry("QUARKUS_OPERATOR_SDK_CONTROLLERS_IMAGERUNNER_NAMESPACES", "a,b");
  }

  @Test
  void serviceMonitorScrapesTheMetricsService() {
    List<HasMetadata> objects = render("service-monitor");

    GenericKubernetesResource monitor =
        Chart.ofType(objects, GenericKubernetesResource.class).stream()
            .filter(o -> o.getKind().equals("ServiceMonitor"))
            .findFirst()
            .orElseThrow();
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.<String>get("spec", "endpoints", 0, "port")).isEqualTo("http");
    assertThat(monitor.<String>get("spec", "endpoints", 0, "path")).isEqualTo("/q/metrics");
    Service service = Chart.ofType(objects, Service.class).getFirst();
    assertThat(service.getSpec().getPorts())
        .extracting(p -> p.getName(), p -> p.getPort(), p -> p.getTargetPort().getStrVal())
        .containsExactly(tuple("http", 8080, "http"));
    assertThat(service.getMetadata().getLabels())
        .containsAllEntriesOf(monitor.<Map<String, String>>get("spec", "selector", "matchLabels"));
    assertThat(service.getSpec().getSelector())
        .isEqualTo(deployment(objects).getSpec().getSelector().getMatchLabels());
  }

  @Test
  void runnerSettingsBecomeTheOperatorsEnvironment() {
    List<HasMetadata> objects =
        Chart.render(
            NS,
            """
            image: { tag: 0.1.1 }
            runner:
              image: registry.example/runner:1.2.3
              defaultResources:
                requests: { cpu: "2", memory: 2Gi }
                limits: { memory: 4Gi }
              httpAllowHosts: [images.internal, 10.20.0.0/16]
            """);

    assertThat(env(deployment(objects)))
        .containsEntry("IMAGEBATCH_RUNNER_IMAGE", "registry.example/runner:1.2.3")
        .containsEntry("IMAGEBATCH_RUNNER_DEFAULT_RESOURCES_REQUESTS_CPU", "2")
        .containsEntry("IMAGEBATCH_RUNNER_DEFAULT_RESOURCES_REQUESTS_MEMORY", "2Gi")
        .containsEntry("IMAGEBATCH_RUNNER_DEFAULT_RESOURCES_LIMITS_MEMORY", "4Gi")
        .containsEntry("IMAGEBATCH_RUNNER_HTTP_ALLOW_HOSTS", "images.internal,10.20.0.0/16");
    assertThat(operator(deployment(objects)).getImage())
        .isEqualTo("ghcr.io/imagebatch/imagebatch-operator:0.1.1");
  }

  @ParameterizedTest
  @MethodSource("variants")
  void everyPodPassesTheRestrictedPodSecurityStandard(String variant) {
    PodSpec pod = deployment(render(variant)).getSpec().getTemplate().getSpec();

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostIPC()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getVolumes())
        .allSatisfy(v -> assertThat(v.getHostPath()).isNull())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("tmp");
              assertThat(v.getEmptyDir()).isNotNull();
            });
    assertThat(Stream.concat(pod.getContainers().stream(), pod.getInitContainers().stream()))
        .isNotEmpty()
        .allSatisfy(
            c -> {
              assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
              assertThat(c.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
              assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
              assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
              assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
              assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
              assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
              assertThat(c.getSecurityContext().getSeccompProfile().getType())
                  .isEqualTo("RuntimeDefault");
              assertThat(c.getVolumeMounts())
                  .anySatisfy(
                      m -> {
                        assertThat(m.getName()).isEqualTo("tmp");
                        assertThat(m.getMountPath()).isEqualTo("/tmp");
                      });
            });
  }

  @ParameterizedTest
  @MethodSource("variants")
  void noRuleAnywhereGrantsSecrets(String variant) {
    List<HasMetadata> objects = render(variant);
    List<PolicyRule> rules =
        Stream.concat(
                Chart.ofType(objects, ClusterRole.class).stream()
                    .flatMap(r -> r.getRules().stream()),
                Chart.ofType(objects, Role.class).stream().flatMap(r -> r.getRules().stream()))
            .toList();

    assertThat(rules).isNotEmpty();
    assertThat(rules)
        .allSatisfy(
            rule -> {
              assertThat(rule.getResources()).doesNotContain("secrets", "*");
              assertThat(rule.getApiGroups()).doesNotContain("*");
              assertThat(rule.getVerbs()).doesNotContain("*");
            });
  }

  @Test
  void aWrongTypeFailsSchemaValidationNamingTheField() {
    assertThatThrownBy(() -> Chart.template(NS, "replicas: two"))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining("replicas")
        .hasMessageContaining("integer");
  }

  @Test
  void aWatchedNamespaceMustBeANamespaceName() {
    assertThatThrownBy(() -> Chart.template(NS, "watchNamespaces: [Not_A_Namespace]"))
        .hasMessageContaining("watchNamespaces");
  }

  @Test
  void noImageRunnerUnlessAskedFor() {
    assertThat(render("defaults")).noneMatch(o -> o.getKind().equals("ImageRunner"));
  }

  @Test
  void theOptionalDefaultImageRunnerUsesTheRunnerImageAndManualPromotion() {
    List<HasMetadata> objects = render("default-imagerunner");

    GenericKubernetesResource runner =
        Chart.ofType(objects, GenericKubernetesResource.class).stream()
            .filter(o -> o.getKind().equals("ImageRunner"))
            .findFirst()
            .orElseThrow();
    assertThat(runner.getMetadata().getName()).isEqualTo("default");
    assertThat(runner.getMetadata().getNamespace()).isEqualTo(NS);
    assertThat(runner.<String>get("spec", "blue", "image"))
        .isEqualTo("ghcr.io/imagebatch/imagebatch-runner:0.1.0");
    assertThat(runner.<String>get("spec", "green", "image")).isEqualTo("r.example.com/runner:2");
    assertThat(runner.<String>get("spec", "active")).isEqualTo("blue");
    assertThat(runner.<String>get("spec", "promotion", "strategy")).isEqualTo("Manual");
  }

  @Test
  void aDefaultImageRunnerPerWatchedNamespace() {
    List<HasMetadata> objects =
        Chart.render(
            NS,
            "watchNamespaces: [a, b]\ndefaultImageRunner: { enabled: true, blue: { image: r:1 } }");

    assertThat(objects)
        .filteredOn(o -> o.getKind().equals("ImageRunner"))
        .extracting(o -> o.getMetadata().getNamespace())
        .containsExactly("a", "b");
  }

  @Test
  void anAutoDefaultImageRunnerNeedsAVerification() {
    assertThatThrownBy(
            () ->
                Chart.template(
                    NS, "defaultImageRunner: { enabled: true, promotion: { strategy: Auto } }"))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(
            "at '/defaultImageRunner/promotion': missing property 'verification'");
  }
}
