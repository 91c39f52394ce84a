package io.imagebatch.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.imagebatch.e2e.controlplane.node.Outcome;
import io.imagebatch.e2e.controlplane.node.PodBehavior;
import io.imagebatch.e2e.controlplane.node.RunningPod;
import io.imagebatch.operator.workload.Labels;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Test helpers for ImageRunners: applied as GitOps would (server-side apply, its own manager). */
final class Runners {
  /** The field manager a GitOps tool would apply spec with. */
  static final String GITOPS = "gitops";

  static final String V14 = "registry.example.com/imagebatch-runner:1.4.0";
  static final String V15 = "registry.example.com/imagebatch-runner:1.5.0";
  static final String V16 = "registry.example.com/imagebatch-runner:1.6.0";

  /** An image whose pods the scripted node fails, as a broken runner build would. */
  static final String BROKEN = "registry.example.com/imagebatch-runner:1.5.0-broken";

  private Runners() {}

  static String yaml(String name, String strategy, String active, String blue, String green) {
    return """
        apiVersion: imagebatch.io/v1alpha1
        kind: ImageRunner
        metadata:
          name: %s
        spec:
          blue: { image: "%s" }
        %s  active: %s
          promotion:
            strategy: %s
            verification:
              source: { s3: { bucket: smoke, prefix: samples/, credentialsSecret: s3-credentials } }
              variants: [ { name: v, width: 256, formats: [webp, avif, jpeg] } ]
              output: { s3: { bucket: smoke-out, credentialsSecret: s3-credentials } }
              timeoutSeconds: 300
          defaults:
            resources: { requests: { cpu: 250m, memory: 300Mi }, limits: { memory: 600Mi } }
        """
        .formatted(
            name,
            blue,
            green == null ? "" : "  green: { image: \"" + green + "\" }\n",
            active,
            strategy);
  }

  /** Applies spec as the GitOps tool: server-side apply with its own field manager. */
  static ImageRunner apply(KubernetesClient client, String namespace, String yaml) {
    ImageRunner runner = client.getKubernetesSerialization().unmarshal(yaml, ImageRunner.class);
    return client
        .resources(ImageRunner.class)
        .inNamespace(namespace)
        .resource(runner)
        .fieldManager(GITOPS)
        .forceConflicts()
        .serverSideApply();
  }

  static ImageRunner get(KubernetesClient client, String namespace, String name) {
    return client.resources(ImageRunner.class).inNamespace(namespace).withName(name).get();
  }

  static Optional<Condition> condition(ImageRunner runner, String type) {
    if (runner == null || runner.getStatus() == null || runner.getStatus().conditions() == null) {
      return Optional.empty();
    }
    return runner.getStatus().conditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  static boolean isTrue(ImageRunner runner, String type) {
    return condition(runner, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  static boolean activeIs(KubernetesClient client, String ns, String name, String image) {
    ImageRunner runner = get(client, ns, name);
    return runner != null
        && runner.getStatus() != null
        && image.equals(runner.getStatus().activeImage())
        && isTrue(runner, "Ready");
  }

  static Predicate<RunningPod> none() {
    return pod -> false;
  }

  static Predicate<RunningPod> imageIs(String image) {
    return pod -> image.equals(image(pod));
  }

  static Predicate<RunningPod> batchIs(String batch) {
    return pod -> batch.equals(pod.labels().get(Labels.BATCH));
  }

  private static String image(RunningPod pod) {
    return pod.pod().getSpec().getContainers().getFirst().getImage();
  }

  static List<ImageBatch> verifications(KubernetesClient client, String namespace) {
    return client
        .resources(ImageBatch.class)
        .inNamespace(namespace)
        .withLabel("imagebatch.io/verification-of")
        .list()
        .getItems();
  }

  static List<String> eventReasons(KubernetesClient client, String namespace, String runner) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> runner.equals(e.getInvolvedObject().getName()))
        .filter(e -> "ImageRunner".equals(e.getInvolvedObject().getKind()))
        .map(Event::getReason)
        .toList();
  }

  /**
   * The node plays every runner pod: plan 2 images in 1 shard, process them, unless the pod's image
   * is {@link #BROKEN} (exits 3 like a runner that cannot start) or {@code hold} holds it (it stays
   * Running until the test ends it).
   */
  static PodBehavior node(Predicate<RunningPod> hold) {
    return pod -> {
      String image = image(pod);
      if (hold.test(pod)) {
        return Optional.empty();
      }
      if (BROKEN.equals(image)) {
        return Optional.of(Outcome.failed(3, "libvips: no saver for avif in this build"));
      }
      String batch = pod.labels().get(Labels.BATCH);
      return Optional.of(
          Labels.PLAN.equals(pod.labels().get(Labels.COMPONENT))
              ? Batches.plan(2, 1, batch)
              : Batches.shard(pod.completionIndex().orElse(0), 2, 0));
    };
  }
}
