package io.imagebatch.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The chart under test, {@code helm/imagebatch}, rendered through helm-java (no helm binary). */
final class Chart {

  static final String RELEASE = "imagebatch";

  /**
   * The Kubernetes version templates are rendered for (the chart needs 1.33+; helm's client-only
   * default is older). The control plane tier runs this version.
   */
  static final String KUBE_VERSION = "v1.35.8";

  /** The main value combinations every test tier renders, as values files. */
  static final Map<String, String> VARIANTS =
      Map.of(
          "defaults",
          "{}",
          "replicas-2",
          "replicas: 2",
          "watch-namespaces",
          "watchNamespaces: [a, b]",
          "service-monitor",
          "metrics: { serviceMonitor: { enabled: true } }",
          "monitoring",
          "metrics: { prometheusRule: { enabled: true }, dashboard: { enabled: true } }",
          "default-imagerunner",
          "defaultImageRunner: { enabled: true, green: { image: r.example.com/runner:2 } }");

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Chart() {}

  /** The chart directory; tests run in the module directory ({@code helm/}). */
  static Path dir() {
    Path chart = Path.of("imagebatch").toAbsolutePath();
    if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
      throw new IllegalStateException("no chart at " + chart + ": run the tests from helm/");
    }
    return chart;
  }

  /**
   * {@code helm template --skip-crds -f values.yaml} (the values as YAML text); throws
   * IllegalStateException with helm's message when helm fails.
   */
  static String template(String namespace, String valuesYaml) {
    try {
      Path values = Files.createTempFile("imagebatch-values-", ".yaml");
      try {
        Files.writeString(values, valuesYaml);
        TemplateCommand template =
            new Helm(dir())
                .template()
                .withName(RELEASE)
                .withNamespace(namespace)
                .withKubeVersion(KUBE_VERSION)
                .skipCrds()
                .withValuesFile(values);
        return template.call();
      } finally {
        Files.deleteIfExists(values);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rendered objects (typed where fabric8 knows the kind, generic otherwise). */
  static List<HasMetadata> render(String namespace, String valuesYaml) {
    return parse(template(namespace, valuesYaml));
  }

  static List<HasMetadata> parse(String yaml) {
    Object parsed = SERIALIZATION.unmarshal(yaml);
    List<HasMetadata> items = new ArrayList<>();
    if (parsed instanceof KubernetesList list) {
      items.addAll(list.getItems());
    } else if (parsed instanceof List<?> l) {
      l.stream().filter(Objects::nonNull).map(HasMetadata.class::cast).forEach(items::add);
    } else if (parsed != null) {
      items.add((HasMetadata) parsed);
    }
    return items;
  }

  static <T extends HasMetadata> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
