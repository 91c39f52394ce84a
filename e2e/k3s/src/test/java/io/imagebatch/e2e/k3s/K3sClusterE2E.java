package io.imagebatch.e2e.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.imagebatch.e2e.k3s.Specs.Location;
import io.imagebatch.e2e.k3s.Specs.Variant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The whole system on a real cluster: the runner image built from Dockerfile.runner, the operator
 * image from the Jib tarball, both loaded into k3s's containerd (no registry), the chart installed
 * with helm-java, MinIO in the cluster, real images through S3-to-S3 batches, and an ImageRunner
 * that verifies and promotes a second runner tag.
 */
@ExtendWith(DockerEngineCondition.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class K3sClusterE2E {

  private static final String RUNNER_REPOSITORY = "ghcr.io/imagebatch/imagebatch-runner";
  private static final String BLUE_IMAGE = RUNNER_REPOSITORY + ":e2e";
  private static final String GREEN_IMAGE = RUNNER_REPOSITORY + ":e2e-green";
  private static final String NAMESPACE = "e2e";
  private static final String RAW = "raw";
  private static final String DERIVED = "derived";
  private static final List<Variant> VARIANTS =
      List.of(
          new Variant("thumb", 320, 0, List.of("webp", "jpeg")),
          new Variant("card", 480, 480, List.of("webp", "jpeg")));
  private static final Duration BATCH_TIMEOUT = Duration.ofMinutes(10);

  private static K3sContainer k3s;
  private static KubernetesClient client;
  private static ObjectStore store;
  private static S3Endpoint s3;
  private static List<SourceImage> sources;

  @BeforeAll
  static void startCluster(@TempDir Path work) throws IOException {
    Repository repo = Repository.fromSystemProperties();
    if (!Files.isRegularFile(repo.operatorImageTar())) {
      throw new IllegalStateException(
          "no operator image tarball at "
              + repo.operatorImageTar()
              + "; build it with ./mvnw -pl operator -am package -DskipTests -DskipITs"
              + " -Poperator-image (or pass -Dimagebatch.operator.image.tar=...)");
    }
    Path runnerTar = RunnerImage.buildAndSave(repo, RUNNER_REPOSITORY, "e2e", work);

    k3s = new K3sContainer(DockerImageName.parse(K3sNodeImage.NAME));
    k3s.addExposedPort(MinioInCluster.NODE_PORT);
    k3s.start();
    K3sImages images = new K3sImages(k3s);
    images.importArchive(repo.operatorImageTar());
    images.importArchive(runnerTar);
    images.tag(BLUE_IMAGE, GREEN_IMAGE);

    String kubeconfig = k3s.getKubeConfigYaml();
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
    OperatorChart.install(repo, kubeconfig, BLUE_IMAGE);

    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    s3 =
        MinioInCluster.deploy(
            client, NAMESPACE, k3s.getHost(), k3s.getMappedPort(MinioInCluster.NODE_PORT));
    store = new ObjectStore(s3);
    store.createBucket(RAW);
    store.createBucket(DERIVED);
    sources = SourceImage.in(repo.exampleImages());
    sources.forEach(image -> store.upload(RAW, image, "catalog/"));
    client
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(Specs.CREDENTIALS_SECRET)
                .endMetadata()
                .withStringData(
                    Map.of(
                        "AWS_ACCESS_KEY_ID", s3.accessKey(),
                        "AWS_SECRET_ACCESS_KEY", s3.secretKey()))
                .build())
        .create();
  }

  @AfterAll
  static void stopCluster() {
    if (store != null) {
      store.close();
    }
    if (client != null) {
      client.close();
    }
    if (k3s != null) {
      k3s.stop();
    }
  }

  @Test
  @Order(1)
  void anS3ToS3BatchWritesEveryVariantOfEveryImage() {
    var spec =
        Specs.s3ToS3(
            s3, new Location(RAW, "catalog/"), new Location(DERIVED, "catalog/"), VARIANTS);
    batches().resource(Specs.imageBatch(NAMESPACE, "catalog", spec)).create();

    new StatusWait(client, Kinds.IMAGE_BATCH, NAMESPACE)
        .untilCondition("catalog", "Complete", "Failed", BATCH_TIMEOUT);

    assertThat(sources).hasSizeGreaterThanOrEqualTo(6);
    List<String> expected =
        sources.stream()
            .flatMap(
                image ->
                    VARIANTS.stream()
                        .flatMap(
                            v ->
                                v.formats().stream()
                                    .map(f -> image.variantKey("catalog/", v.name(), f))))
            .toList();
    assertThat(store.keys(DERIVED, "catalog/")).containsAll(expected);
  }

  @Test
  @Order(2)
  void anImageRunnerPromotesTheVerifiedGreenImageAndNewBatchesUseIt() {
    var verification =
        Specs.s3ToS3(
            s3,
            new Location(RAW, "catalog/landscapes/"),
            new Location(DERIVED, "verify/"),
            List.of(new Variant("v", 256, 0, List.of("webp", "jpeg"))));
    client
        .genericKubernetesResources(Kinds.IMAGE_RUNNER)
        .inNamespace(NAMESPACE)
        .resource(
            Specs.imageRunner(NAMESPACE, "default", BLUE_IMAGE, GREEN_IMAGE, verification, 600))
        .create();

    new StatusWait(client, Kinds.IMAGE_RUNNER, NAMESPACE)
        .untilStatusField(
            "default", List.of("activeColor"), "green", "Degraded", Duration.ofMinutes(15));

    var spec =
        Specs.s3ToS3(
            s3,
            new Location(RAW, "catalog/landscapes/"),
            new Location(DERIVED, "after/"),
            VARIANTS);
    batches().resource(Specs.imageBatch(NAMESPACE, "after-switch", spec)).create();
    var batch =
        new StatusWait(client, Kinds.IMAGE_BATCH, NAMESPACE)
            .untilCondition("after-switch", "Complete", "Failed", BATCH_TIMEOUT);

    assertThat(StatusWait.statusField(batch, List.of("runner", "color"))).isEqualTo("green");
    assertThat(StatusWait.statusField(batch, List.of("runner", "image"))).isEqualTo(GREEN_IMAGE);
  }

  private static MixedOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      batches() {
    return client.genericKubernetesResources(Kinds.IMAGE_BATCH);
  }
}
