package io.imagebatch.e2e.node;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.Kubectl;
import io.imagebatch.e2e.controlplane.TestNamespace;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test the shared {@link RealCluster} (a real kubelet, containerd and runc on this machine)
 * and a namespace of its own that enforces the restricted Pod Security Standard.
 *
 * <p>Test methods may declare {@link KubernetesClient}, {@link RealCluster}, {@link Kubectl} and
 * {@link TestNamespace}. Where the node cannot run (no root, no Go, a missing package), tests skip
 * with a one-line reason; with {@code CI=true} they fail instead, as the control-plane tier does.
 */
public final class RealNodeExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(RealNodeExtension.class);
  private static final String NAMESPACE_KEY = "namespace";

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    context.getStore(STORE).put(NAMESPACE_KEY, cluster().createNamespace(namespaceName(context)));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    TestNamespace namespace = context.getStore(STORE).remove(NAMESPACE_KEY, TestNamespace.class);
    // -Dimagebatch.node.keep=true keeps a failed test's namespace for kubectl (docs/testing.md).
    boolean keep =
        Boolean.getBoolean("imagebatch.node.keep") && context.getExecutionException().isPresent();
    if (namespace != null && !keep) {
      cluster().deleteNamespace(namespace);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KubernetesClient.class
        || type == RealCluster.class
        || type == Kubectl.class
        || type == TestNamespace.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    RealCluster cluster = cluster();
    if (type == KubernetesClient.class) {
      return cluster.client();
    }
    if (type == RealCluster.class) {
      return cluster;
    }
    if (type == Kubectl.class) {
      return cluster.kubectl();
    }
    TestNamespace namespace = context.getStore(STORE).get(NAMESPACE_KEY, TestNamespace.class);
    if (namespace == null) {
      throw new IllegalStateException("TestNamespace is per test: declare it on a test method");
    }
    return namespace;
  }

  private static RealCluster cluster() {
    try {
      return RealCluster.shared();
    } catch (RealNodeUnavailableException e) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(e.getMessage() + " (CI=true, so this fails, not skips)", e);
      }
      Assumptions.abort(e.getMessage());
      throw e; // not reached: abort always throws
    }
  }

  private static String namespaceName(ExtensionContext context) {
    return TestNamespace.uniqueName(
        "n", context.getTestMethod().map(m -> m.getName()).orElse("test"));
  }
}
