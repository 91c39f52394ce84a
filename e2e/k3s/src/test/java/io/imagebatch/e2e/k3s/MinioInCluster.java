package io.imagebatch.e2e.k3s;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** MinIO as a Deployment and a NodePort Service in the test namespace. */
final class MinioInCluster {

  /** Published by the k3s container (see the test), so the host reaches MinIO here. */
  static final int NODE_PORT = 30900;

  private static final String NAME = "minio";
  private static final String IMAGE =
      System.getProperty("imagebatch.minio.image", "minio/minio:latest");
  private static final Map<String, String> LABELS = Map.of("app", NAME);

  private MinioInCluster() {}

  /** Starts MinIO and returns once its pod is ready. */
  static S3Endpoint deploy(
      KubernetesClient client, String namespace, String host, int mappedNodePort) {
    String accessKey = "imagebatch-e2e";
    String secretKey = "imagebatch-e2e-secret";
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .resource(deployment(accessKey, secretKey))
        .create();
    client
        .services()
        .inNamespace(namespace)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(NAME)
                .endMetadata()
                .withNewSpec()
                .withType("NodePort")
                .withSelector(LABELS)
                .addNewPort()
                .withName("s3")
                .withPort(9000)
                .withTargetPort(new IntOrString(9000))
                .withNodePort(NODE_PORT)
                .endPort()
                .endSpec()
                .build())
        .create();
    await("MinIO ready")
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> readyReplicas(client, namespace) == 1);
    return new S3Endpoint(
        "http://" + NAME + "." + namespace + ".svc.cluster.local:9000",
        URI.create("http://" + host + ":" + mappedNodePort),
        accessKey,
        secretKey);
  }

  private static int readyReplicas(KubernetesClient client, String namespace) {
    Deployment d = client.apps().deployments().inNamespace(namespace).withName(NAME).get();
    Integer ready = d == null || d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
    return ready == null ? 0 : ready;
  }

  private static Deployment deployment(String accessKey, String secretKey) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(NAME)
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .withMatchLabels(LABELS)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(LABELS)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(NAME)
        .withImage(IMAGE)
        .withArgs("server", "/data")
        .addNewEnv()
        .withName("MINIO_ROOT_USER")
        .withValue(accessKey)
        .endEnv()
        .addNewEnv()
        .withName("MINIO_ROOT_PASSWORD")
        .withValue(secretKey)
        .endEnv()
        .addNewPort()
        .withContainerPort(9000)
        .endPort()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/minio/health/ready")
        .withPort(new IntOrString(9000))
        .endHttpGet()
        .endReadinessProbe()
        .addNewVolumeMount()
        .withName("data")
        .withMountPath("/data")
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("data")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
