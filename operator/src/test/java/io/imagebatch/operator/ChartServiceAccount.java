package io.imagebatch.operator;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The operator's identity as the Helm chart installs it: the chart's ServiceAccount, ClusterRole,
 * leader-election Role and their bindings (rendered with helm-java from helm/imagebatch, release
 * namespace = the test's), a token minted for the ServiceAccount through the TokenRequest API, and
 * a kubeconfig holding only that token. An operator started with it has exactly the chart's RBAC,
 * as in a cluster; {@link #close()} deletes the cluster-scoped objects.
 */
final class ChartServiceAccount implements AutoCloseable {
  /** The Kubernetes version the chart is rendered for: the control plane's. */
  private static final String KUBE_VERSION = "v1.35.8";

  private static final Set<Class<? extends HasMetadata>> RBAC =
      Set.of(
          ServiceAccount.class,
          ClusterRole.class,
          ClusterRoleBinding.class,
          Role.class,
          RoleBinding.class);

  private final KubernetesClient admin;
  private final List<HasMetadata> clusterScoped;
  private final String name;
  private final String namespace;
  private final Path kubeconfig;
  private final KubernetesClient client;

  private ChartServiceAccount(
      KubernetesClient admin,
      List<HasMetadata> clusterScoped,
      String name,
      String namespace,
      Path kubeconfig) {
    this.admin = admin;
    this.clusterScoped = clusterScoped;
    this.name = name;
    this.namespace = namespace;
    this.kubeconfig = kubeconfig;
    this.client = new KubernetesClientBuilder().withConfig(config(kubeconfig)).build();
  }

  /** Installs the chart's RBAC with {@code namespace} as the release namespace. */
  static ChartServiceAccount install(KubernetesClient admin, String namespace) {
    String fullname = namespace + "-operator";
    List<HasMetadata> objects = render(admin, namespace, "fullnameOverride: " + fullname);
    List<HasMetadata> clusterScoped = new ArrayList<>();
    for (HasMetadata object : objects) {
      admin.resource(object).forceConflicts().serverSideApply();
      if (object instanceof ClusterRole || object instanceof ClusterRoleBinding) {
        clusterScoped.add(object);
      }
    }
    String account =
        objects.stream()
            .filter(ServiceAccount.class::isInstance)
            .map(o -> o.getMetadata().getName())
            .findFirst()
            .orElseThrow();
    TokenRequest token =
        admin
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(account)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(7200L)
                    .endSpec()
                    .build());
    try {
      Path kubeconfig = Files.createTempFile("imagebatch-operator-", ".kubeconfig");
      Files.writeString(
          kubeconfig,
          kubeconfig(admin.getConfiguration(), token.getStatus().getToken(), namespace));
      return new ChartServiceAccount(admin, clusterScoped, account, namespace, kubeconfig);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The chart's RBAC objects for a release in {@code namespace}. */
  static List<HasMetadata> render(KubernetesClient admin, String namespace, String values) {
    try {
      Path file = Files.createTempFile("imagebatch-values-", ".yaml");
      try {
        Files.writeString(file, values);
        String yaml =
            new Helm(chartDir())
                .template()
                .withName("imagebatch")
                .withNamespace(namespace)
                .withKubeVersion(KUBE_VERSION)
                .skipCrds()
                .withValuesFile(file)
                .call();
        Object parsed = admin.getKubernetesSerialization().unmarshal(yaml);
        List<HasMetadata> all = new ArrayList<>();
        if (parsed instanceof KubernetesList list) {
          all.addAll(list.getItems());
        } else if (parsed instanceof List<?> items) {
          items.stream().filter(Objects::nonNull).map(HasMetadata.class::cast).forEach(all::add);
        }
        return all.stream().filter(o -> RBAC.contains(o.getClass())).toList();
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path chartDir() {
    for (Path candidate : List.of(Path.of("../helm/imagebatch"), Path.of("helm/imagebatch"))) {
      if (Files.isRegularFile(candidate.resolve("Chart.yaml"))) {
        return candidate.toAbsolutePath().normalize();
      }
    }
    throw new IllegalStateException("no helm/imagebatch chart");
  }

  /** The ServiceAccount's name. */
  String name() {
    return name;
  }

  /** The user name the API server knows the operator by. */
  String user() {
    return "system:serviceaccount:" + namespace + ":" + name;
  }

  /** A kubeconfig holding only the ServiceAccount's token. */
  Path kubeconfig() {
    return kubeconfig;
  }

  /** A client acting as the ServiceAccount. */
  KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    for (HasMetadata object : clusterScoped) {
      admin.resource(object).delete();
    }
    try {
      Files.deleteIfExists(kubeconfig);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String kubeconfig(Config admin, String token, String namespace) {
    String ca =
        admin.getCaCertFile() != null
            ? "certificate-authority: " + Path.of(admin.getCaCertFile()).toAbsolutePath()
            : "certificate-authority-data: " + admin.getCaCertData();
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster:
            server: %s
            %s
        users:
        - name: operator
          user:
            token: %s
        contexts:
        - name: operator
          context: { cluster: test, user: operator, namespace: %s }
        current-context: operator
        """
        .formatted(admin.getMasterUrl(), ca, token, namespace);
  }

  private static Config config(Path kubeconfig) {
    try {
      return Config.fromKubeconfig(Files.readString(kubeconfig));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
