package io.imagebatch.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.imagebatch.e2e.controlplane.ControlPlane;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.TestNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rendered chart is accepted by a real kube-apiserver: every object of the main value
 * combinations applied by server-side dry-run into a namespace that enforces the restricted Pod
 * Security Standard.
 */
@ExtendWith(ControlPlaneExtension.class)
class ChartDryRunIT {

  private static final String RESTRICTED = "pod-security.kubernetes.io/enforce";

  static Stream<String> variants() {
    return Chart.VARIANTS.keySet().stream().sorted();
  }

  /** The chart's CRD, really applied: the chart installs it before its templates. */
  @BeforeAll
  static void installChartCrds(KubernetesClient client) throws IOException {
    try (DirectoryStream<Path> crds = Files.newDirectoryStream(Chart.dir().resolve("crds"))) {
      for (Path file : crds) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd =
              client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
          client.resource(crd).forceConflicts().serverSideApply();
        }
      }
    }
    assertThat(
            client
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("imagebatches.imagebatch.io")
                .get())
        .isNotNull();
  }

  @ParameterizedTest
  @MethodSource("variants")
  void everyRenderedObjectIsAcceptedByServerSideDryRun(
      String variant, KubernetesClient client, ControlPlane plane, TestNamespace ns) {
    restrict(client, ns);
    // watchNamespaces: [a, b] names namespaces that must exist; use two of this test's own.
    TestNamespace a = plane.createNamespace(ns.name() + "-a", Map.of("imagebatch.io/test", "true"));
    TestNamespace b = plane.createNamespace(ns.name() + "-b", Map.of("imagebatch.io/test", "true"));
    try {
      String values =
          variant.equals("watch-namespaces")
              ? "watchNamespaces: [" + a.name() + ", " + b.name() + "]"
              : Chart.VARIANTS.get(variant);
      List<HasMetadata> objects = Chart.render(ns.name(), values);
      assertThat(objects).isNotEmpty();

      for (HasMetadata object : objects) {
        if (object.getApiVersion().startsWith("monitoring.coreos.com/")) {
          // The test apiserver has no Prometheus Operator CRDs (monitoring.coreos.com), so the
          // ServiceMonitor and PrometheusRule cannot be dry-run here; ChartTemplateTest and
          // ChartMonitoringTest assert their content, PrometheusRulesIT runs promtool on the rules.
          continue;
        }
        HasMetadata accepted = client.resource(object).dryRun().serverSideApply();
        assertThat(accepted.getMetadata().getName())
            .as("%s %s", object.getKind(), object.getMetadata().getName())
            .isEqualTo(object.getMetadata().getName());
      }
      // Nothing was written: dry-run only.
      assertThat(client.apps().deployments().inNamespace(ns.name()).list().getItems()).isEmpty();
    } finally {
      plane.deleteNamespace(a);
      plane.deleteNamespace(b);
    }
  }

  /**
   * PodSecurity admission only warns on Deployments; it enforces on Pods. So the Deployment's pod
   * template is dry-run as a Pod in the restricted namespace (its ServiceAccount really created, as
   * the ServiceAccount admission plugin looks it up).
   */
  @ParameterizedTest
  @MethodSource("variants")
  void theOperatorPodIsAdmittedUnderTheRestrictedStandard(
      String variant, KubernetesClient client, TestNamespace ns) {
    restrict(client, ns);
    List<HasMetadata> objects = Chart.render(ns.name(), Chart.VARIANTS.get(variant));
    Chart.ofType(objects, ServiceAccount.class).forEach(sa -> client.resource(sa).create());

    Pod pod = operatorPod(objects, ns);
    Pod admitted = client.resource(pod).dryRun().create();

    assertThat(admitted.getSpec().getServiceAccountName())
        .isEqualTo(pod.getSpec().getServiceAccountName());
    assertThat(client.pods().inNamespace(ns.name()).list().getItems()).isEmpty();
  }

  /** Control: the same namespace rejects the pod once one restricted field is loosened. */
  @Test
  void aLoosenedPodIsRejected(KubernetesClient client, TestNamespace ns) {
    restrict(client, ns);
    List<HasMetadata> objects = Chart.render(ns.name(), Chart.VARIANTS.get("defaults"));
    Chart.ofType(objects, ServiceAccount.class).forEach(sa -> client.resource(sa).create());
    Pod pod = operatorPod(objects, ns);
    pod.getSpec().getContainers().getFirst().getSecurityContext().setAllowPrivilegeEscalation(true);

    assertThatThrownBy(() -> client.resource(pod).dryRun().create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("violates PodSecurity \"restricted:latest\"")
        .hasMessageContaining("allowPrivilegeEscalation");
  }

  private static Pod operatorPod(List<HasMetadata> objects, TestNamespace ns) {
    Deployment deployment = Chart.ofType(objects, Deployment.class).getFirst();
    return new PodBuilder()
        .withNewMetadata()
        .withName(deployment.getMetadata().getName() + "-pod")
        .withNamespace(ns.name())
        .withLabels(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .endMetadata()
        .withSpec(deployment.getSpec().getTemplate().getSpec())
        .build();
  }

  private static void restrict(KubernetesClient client, TestNamespace ns) {
    client
        .namespaces()
        .withName(ns.name())
        .edit(
            n -> {
              n.getMetadata().getLabels().put(RESTRICTED, "restricted");
              return n;
            });
  }
}
