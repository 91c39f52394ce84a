package io.imagebatch.e2e.controlplane.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
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

  @Test
  void resolvesResourceFieldRefsLikeTheKubelet() {
    Container runner =
        new ContainerBuilder()
            .withName("runner")
            .withNewResources()
            .addToRequests("cpu", new Quantity("500m"))
            .addToLimits("memory", new Quantity("1Gi"))
            .endResources()
            .build();
    Pod pod = new PodBuilder().withNewSpec().withContainers(runner).endSpec().build();

    assertThat(EnvResolver.resource(pod, runner, ref("runner", "limits.memory", null)))
        .isEqualTo("1073741824");
    // What the API server stores for an unset divisor.
    assertThat(EnvResolver.resource(pod, runner, ref(null, "limits.memory", "0")))
        .isEqualTo("1073741824");
    assertThat(EnvResolver.resource(pod, runner, ref(null, "limits.memory", "1Mi")))
        .isEqualTo("1024");
    // CPU is rounded up to whole divisors: 500m is "1" core, "500" millicores.
    assertThat(EnvResolver.resource(pod, runner, ref(null, "requests.cpu", null))).isEqualTo("1");
    assertThat(EnvResolver.resource(pod, runner, ref(null, "requests.cpu", "1m"))).isEqualTo("500");
    // An unset limit is the node's allocatable; an unset request is 0.
    assertThat(EnvResolver.resource(pod, runner, ref(null, "limits.cpu", null))).isEqualTo("8");
    assertThat(EnvResolver.resource(pod, runner, ref(null, "requests.memory", null)))
        .isEqualTo("0");
  }

  private static ResourceFieldSelector ref(String container, String resource, String divisor) {
    return new ResourceFieldSelector(
        container, divisor == null ? null : new Quantity(divisor), resource);
  }
}
