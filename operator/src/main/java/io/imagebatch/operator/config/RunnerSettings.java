package io.imagebatch.operator.config;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the operator uses when neither the batch nor its ImageRunner says: the runner image and the
 * runner pods' resources. Also how often a stalled batch (a missing PersistentVolumeClaim or
 * ImageRunner) looks again.
 *
 * @param image the runner image used when no ImageRunner is found
 * @param resources default resources of runner pods
 * @param stalledRecheck how soon a batch waiting for a missing object checks again
 * @param httpAllowHosts the SSRF allow-list runner pods get (IMAGEBATCH_HTTP_ALLOW_HOSTS)
 */
public record RunnerSettings(
    String image,
    ResourceRequirements resources,
    Duration stalledRecheck,
    Optional<String> httpAllowHosts) {

  public static final String DEFAULT_IMAGE = "ghcr.io/imagebatch/imagebatch-runner:0.1.0";

  /** The built-in defaults, also written in application.properties. */
  public static RunnerSettings defaults() {
    return of(
        DEFAULT_IMAGE,
        Map.of("cpu", "1", "memory", "1Gi"),
        Map.of("memory", "2Gi"),
        Duration.ofSeconds(15));
  }

  public static RunnerSettings of(
      String image,
      Map<String, String> requests,
      Map<String, String> limits,
      Duration stalledRecheck) {
    return new RunnerSettings(
        image,
        new ResourceRequirementsBuilder()
            .withRequests(quantities(requests))
            .withLimits(quantities(limits))
            .build(),
        stalledRecheck,
        Optional.empty());
  }

  /** These settings with the SSRF allow-list {@code hosts} (blank: none). */
  public RunnerSettings withHttpAllowHosts(Optional<String> hosts) {
    return new RunnerSettings(
        image, resources, stalledRecheck, hosts.map(String::strip).filter(h -> !h.isEmpty()));
  }

  private static Map<String, Quantity> quantities(Map<String, String> values) {
    Map<String, Quantity> result = new TreeMap<>();
    values.forEach((name, value) -> result.put(name, new Quantity(value)));
    return result;
  }
}
