package io.imagebatch.e2e.controlplane.node;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's environment as the kubelet builds it: envFrom first, then env in order, values from
 * Secrets, ConfigMaps, the pod's own fields and its containers' resources, and {@code $(VAR)}
 * references to earlier variables expanded.
 */
final class EnvResolver {

  private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][\\w.-]*)\\)");
  private static final Pattern FIELD_KEY =
      Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]");

  private EnvResolver() {}

  static Map<String, String> resolve(RunningPod running, Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    List<EnvFromSource> envFrom = container.getEnvFrom();
    for (EnvFromSource source : envFrom == null ? List.<EnvFromSource>of() : envFrom) {
      String prefix = Objects.requireNonNullElse(source.getPrefix(), "");
      if (source.getConfigMapRef() != null) {
        ConfigMap map = configMap(running, source.getConfigMapRef().getName());
        if (map != null && map.getData() != null) {
          map.getData().forEach((k, v) -> env.put(prefix + k, v));
        } else if (!Boolean.TRUE.equals(source.getConfigMapRef().getOptional())) {
          throw new IllegalStateException("configmap " + source.getConfigMapRef().getName());
        }
      }
      if (source.getSecretRef() != null) {
        Secret secret = secret(running, source.getSecretRef().getName());
        if (secret != null && secret.getData() != null) {
          secret.getData().forEach((k, v) -> env.put(prefix + k, decode(v)));
        } else if (!Boolean.TRUE.equals(source.getSecretRef().getOptional())) {
          throw new IllegalStateException("secret " + source.getSecretRef().getName());
        }
      }
    }
    List<EnvVar> vars = container.getEnv();
    for (EnvVar var : vars == null ? List.<EnvVar>of() : vars) {
      String value =
          var.getValueFrom() != null
              ? valueFrom(running, container, var.getValueFrom())
              : expand(Objects.requireNonNullElse(var.getValue(), ""), env);
      if (value != null) {
        env.put(var.getName(), value);
      }
    }
    return env;
  }

  /** Expands {@code $(VAR)} from {@code env}; unknown references stay, {@code $$} is a "$". */
  static String expand(String value, Map<String, String> env) {
    Matcher matcher = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String replacement;
      if (matcher.group(1) == null) {
        replacement = "$";
      } else {
        replacement = env.getOrDefault(matcher.group(1), matcher.group());
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  private static String valueFrom(RunningPod running, Container container, EnvVarSource source) {
    if (source.getSecretKeyRef() != null) {
      var ref = source.getSecretKeyRef();
      Secret secret = secret(running, ref.getName());
      String value =
          secret == null || secret.getData() == null ? null : secret.getData().get(ref.getKey());
      return required(value == null ? null : decode(value), ref.getOptional(), ref.getName());
    }
    if (source.getConfigMapKeyRef() != null) {
      var ref = source.getConfigMapKeyRef();
      ConfigMap map = configMap(running, ref.getName());
      String value = map == null || map.getData() == null ? null : map.getData().get(ref.getKey());
      return required(value, ref.getOptional(), ref.getName());
    }
    if (source.getFieldRef() != null) {
      return field(running.pod(), source.getFieldRef().getFieldPath());
    }
    if (source.getResourceFieldRef() != null) {
      return resource(running.pod(), container, source.getResourceFieldRef());
    }
    throw new IllegalArgumentException("unsupported env source " + source);
  }

  private static String field(Pod pod, String path) {
    Matcher keyed = FIELD_KEY.matcher(path);
    if (keyed.matches()) {
      Map<String, String> values =
          keyed.group(1).equals("labels")
              ? pod.getMetadata().getLabels()
              : pod.getMetadata().getAnnotations();
      return values == null ? "" : values.getOrDefault(keyed.group(2), "");
    }
    return switch (path) {
      case "metadata.name" -> pod.getMetadata().getName();
      case "metadata.namespace" -> pod.getMetadata().getNamespace();
      case "metadata.uid" -> pod.getMetadata().getUid();
      case "spec.nodeName" -> pod.getSpec().getNodeName();
      case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
      case "status.podIP" -> pod.getStatus() == null ? "" : pod.getStatus().getPodIP();
      case "status.hostIP" -> pod.getStatus() == null ? "" : pod.getStatus().getHostIP();
      default -> throw new IllegalArgumentException("unsupported fieldRef " + path);
    };
  }

  /**
   * A container's request or limit as the kubelet exposes it: the amount divided by the divisor
   * (unset or 0 means 1), rounded up; an unset limit is the node's allocatable, an unset request 0.
   */
  static String resource(Pod pod, Container self, ResourceFieldSelector ref) {
    String name = ref.getContainerName();
    Container container =
        name == null || name.isEmpty()
            ? self
            : pod.getSpec().getContainers().stream()
                .filter(c -> name.equals(c.getName()))
                .findFirst()
                .orElseThrow(
                    () -> new IllegalArgumentException("resourceFieldRef: no container " + name));
    String[] parts = ref.getResource().split("\\.", 2);
    if (parts.length != 2 || !(parts[0].equals("limits") || parts[0].equals("requests"))) {
      throw new IllegalArgumentException("unsupported resourceFieldRef " + ref.getResource());
    }
    ResourceRequirements resources = container.getResources();
    Map<String, Quantity> values =
        resources == null
            ? null
            : parts[0].equals("limits") ? resources.getLimits() : resources.getRequests();
    Quantity quantity = values == null ? null : values.get(parts[1]);
    if (quantity == null) {
      quantity =
          parts[0].equals("limits")
              ? NodeSimulator.ALLOCATABLE.getOrDefault(parts[1], new Quantity("0"))
              : new Quantity("0");
    }
    // The API server stores an unset divisor as "0"; the kubelet reads zero as 1.
    BigDecimal divisor =
        ref.getDivisor() == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(ref.getDivisor());
    if (divisor.signum() == 0) {
      divisor = BigDecimal.ONE;
    }
    return Quantity.getAmountInBytes(quantity)
        .divide(divisor, 0, RoundingMode.CEILING)
        .toPlainString();
  }

  private static String required(String value, Boolean optional, String source) {
    if (value == null && !Boolean.TRUE.equals(optional)) {
      throw new IllegalStateException("env value from " + source + " not found");
    }
    return value;
  }

  private static ConfigMap configMap(RunningPod running, String name) {
    return running.client().configMaps().inNamespace(running.namespace()).withName(name).get();
  }

  private static Secret secret(RunningPod running, String name) {
    return running.client().secrets().inNamespace(running.namespace()).withName(name).get();
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
