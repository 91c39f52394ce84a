package io.imagebatch.e2e.kueue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfigBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceConversionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Kueue's manifests from its module's config/ (copied next to the binary by build.sh), made to
 * reach a manager on 127.0.0.1: client configs with {@code url:} instead of a Service, and the
 * caBundle of the serving certificate, which Kueue's kustomize overlay and cert manager would
 * otherwise fill in.
 */
final class KueueManifests {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Uncommented {@code - path: patches/webhook_in_<plural>.yaml} lines of the kustomization. */
  private static final Pattern CONVERSION_PATCH =
      Pattern.compile("(?m)^- path: patches/webhook_in_([a-z]+)\\.yaml\\s*$");

  /**
   * Webhook paths served with only the batch/job integration on: Kueue's own kinds and Jobs. The
   * others (pods, Deployments, other frameworks) have no handler, and with failurePolicy Fail their
   * configurations would reject every pod.
   */
  private static final Pattern SERVED_PATH =
      Pattern.compile("^/(mutate|validate)-(kueue-x-k8s-io-.*|batch-v1-job)$");

  private final Path config;

  KueueManifests(Path config) {
    this.config = config;
  }

  /** The CRDs; those Kueue's kustomization converts by webhook convert at {@code url}. */
  List<CustomResourceDefinition> crds(String url, String caBundle) throws IOException {
    Set<String> converted = convertedPlurals();
    List<CustomResourceDefinition> crds = new ArrayList<>();
    try (Stream<Path> files = Files.list(config.resolve("crd"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        CustomResourceDefinition crd;
        try (InputStream in = Files.newInputStream(file)) {
          crd = SERIALIZATION.unmarshal(in, CustomResourceDefinition.class);
        }
        if (converted.contains(crd.getSpec().getNames().getPlural())) {
          crd.getSpec()
              .setConversion(
                  new CustomResourceConversionBuilder()
                      .withStrategy("Webhook")
                      .withNewWebhook()
                      .withConversionReviewVersions("v1")
                      .withNewClientConfig()
                      .withUrl(url)
                      .withCaBundle(caBundle)
                      .endClientConfig()
                      .endWebhook()
                      .build());
        }
        crds.add(crd);
      }
    }
    return crds;
  }

  /** The admission webhooks Kueue serves here, named {@code mutating} and {@code validating}. */
  List<HasMetadata> webhooks(String base, String caBundle, String mutating, String validating)
      throws IOException {
    List<HasMetadata> configurations = new ArrayList<>();
    try (InputStream in =
        Files.newInputStream(config.resolve("webhook").resolve("manifests.yaml"))) {
      Object parsed = SERIALIZATION.unmarshal(in);
      List<?> items = parsed instanceof List<?> l ? l : List.of(parsed);
      for (Object item : items) {
        if (item instanceof MutatingWebhookConfiguration m) {
          List<MutatingWebhook> served = new ArrayList<>();
          for (MutatingWebhook hook : m.getWebhooks()) {
            if (served(hook.getClientConfig())) {
              hook.setClientConfig(at(base, caBundle, hook.getClientConfig()));
              served.add(hook);
            }
          }
          m.setWebhooks(served);
          m.getMetadata().setName(mutating);
          configurations.add(m);
        } else if (item instanceof ValidatingWebhookConfiguration v) {
          List<ValidatingWebhook> served = new ArrayList<>();
          for (ValidatingWebhook hook : v.getWebhooks()) {
            if (served(hook.getClientConfig())) {
              hook.setClientConfig(at(base, caBundle, hook.getClientConfig()));
              served.add(hook);
            }
          }
          v.setWebhooks(served);
          v.getMetadata().setName(validating);
          configurations.add(v);
        }
      }
    }
    if (configurations.size() != 2) {
      throw new IllegalStateException("expected a mutating and a validating configuration");
    }
    return configurations;
  }

  private Set<String> convertedPlurals() throws IOException {
    String kustomization =
        Files.readString(config.resolve("crd").resolve("kustomization.yaml.txt"));
    Set<String> plurals = new java.util.HashSet<>();
    Matcher matcher = CONVERSION_PATCH.matcher(kustomization);
    while (matcher.find()) {
      plurals.add(matcher.group(1));
    }
    if (plurals.isEmpty()) {
      throw new IllegalStateException("no conversion webhook patch in Kueue's kustomization");
    }
    return plurals;
  }

  private static boolean served(WebhookClientConfig client) {
    return client.getService() != null
        && SERVED_PATH.matcher(client.getService().getPath()).matches();
  }

  private static WebhookClientConfig at(String base, String caBundle, WebhookClientConfig client) {
    return new WebhookClientConfigBuilder()
        .withUrl(base + client.getService().getPath())
        .withCaBundle(caBundle)
        .build();
  }
}
