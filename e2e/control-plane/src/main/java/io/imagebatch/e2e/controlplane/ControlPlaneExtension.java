package io.imagebatch.e2e.controlplane;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.e2e.controlplane.node.NodeSimulator;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test the shared {@link ControlPlane} and a namespace of its own.
 *
 * <p>Test methods (and constructors/lifecycle methods) may declare parameters of type {@link
 * KubernetesClient}, {@link ControlPlane}, {@link Kubectl}, {@link TestNamespace} and {@link
 * NodeSimulator} (a fake node for the test's namespace, closed after the test).
 *
 * <p>When the binaries are missing and cannot be built, tests are skipped with a one-line hint;
 * with {@code CI=true} they fail instead, so that a CI tier can never go green by skipping.
 */
public final class ControlPlaneExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(ControlPlaneExtension.class);
  private static final String NAMESPACE_KEY = "namespace";
  private static final String SIMULATOR_KEY = "simulator";

  @Override
  public void beforeAll(ExtensionContext context) {
    controlPlane();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (needsControllerManager(context) && !controlPlane().hasControllerManager()) {
      unavailable(
          new ControlPlaneUnavailableException(
              "no kube-controller-manager in " + controlPlane().binaries().dir()));
    }
    TestNamespace namespace =
        controlPlane()
            .createNamespace(namespaceName(context), Map.of("imagebatch.io/test", "true"));
    context.getStore(STORE).put(NAMESPACE_KEY, namespace);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    // Runs whether or not the test failed; the JVM shutdown hook covers the control plane itself.
    ExtensionContext.Store store = context.getStore(STORE);
    NodeSimulator simulator = store.remove(SIMULATOR_KEY, NodeSimulator.class);
    if (simulator != null) {
      simulator.close();
    }
    TestNamespace namespace = store.remove(NAMESPACE_KEY, TestNamespace.class);
    if (namespace != null) {
      controlPlane().deleteNamespace(namespace);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KubernetesClient.class
        || type == ControlPlane.class
        || type == Kubectl.class
        || type == TestNamespace.class
        || type == NodeSimulator.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    ControlPlane plane = controlPlane();
    if (type == KubernetesClient.class) {
      return plane.client();
    }
    if (type == ControlPlane.class) {
      return plane;
    }
    if (type == Kubectl.class) {
      return plane.kubectl();
    }
    TestNamespace namespace = context.getStore(STORE).get(NAMESPACE_KEY, TestNamespace.class);
    if (namespace == null) {
      throw new IllegalStateException(
          type.getSimpleName() + " is per test: declare it on a test method, not in beforeAll");
    }
    if (type == TestNamespace.class) {
      return namespace;
    }
    return context
        .getStore(STORE)
        .computeIfAbsent(
            SIMULATOR_KEY,
            key -> NodeSimulator.start(plane.client(), namespace.name()),
            NodeSimulator.class);
  }

  private static ControlPlane controlPlane() {
    try {
      return ControlPlane.shared();
    } catch (ControlPlaneUnavailableException e) {
      throw unavailable(e);
    }
  }

  /** Skips the test, or fails it with CI=true, so that a CI tier never goes green by skipping. */
  private static RuntimeException unavailable(ControlPlaneUnavailableException e) {
    skipOrFail(e.getMessage(), e);
    return e; // not reached: skipOrFail always throws
  }

  /**
   * Skips the calling test because something it needs is missing here ({@code reason} says what and
   * how to get it), or fails it with CI=true, so that a CI tier never goes green by skipping.
   */
  public static void skipOrFail(String reason, Throwable cause) {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(reason + " (CI=true, so this fails, not skips)", cause);
    }
    Assumptions.abort(reason);
  }

  private static boolean needsControllerManager(ExtensionContext context) {
    return context
            .getTestMethod()
            .map(m -> m.isAnnotationPresent(RequiresControllerManager.class))
            .orElse(false)
        || context
            .getTestClass()
            .map(c -> c.isAnnotationPresent(RequiresControllerManager.class))
            .orElse(false);
  }

  private static String namespaceName(ExtensionContext context) {
    return TestNamespace.uniqueName(
        "t", context.getTestMethod().map(m -> m.getName()).orElse("test"));
  }
}
