package io.imagebatch.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.contract.FailureBudget;
import io.imagebatch.e2e.controlplane.ControlPlane;
import io.imagebatch.e2e.controlplane.ControlPlaneExtension;
import io.imagebatch.e2e.controlplane.KubectlResult;
import io.imagebatch.e2e.controlplane.TestNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The committed CRD, installed in the real API server: CEL rules, defaults, kubectl explain. */
@ExtendWith(ControlPlaneExtension.class)
class CrdValidationIT {
  private static final String SOURCE = "source: { s3: { bucket: raw } }";
  private static final String VARIANTS =
      "variants: [ { name: thumb, width: 400, formats: [webp] } ]";
  private static final String OUTPUT = "output: { s3: { bucket: out } }";

  @BeforeEach
  void crds(KubernetesClient client) {
    InProcessOperator.installCrds(client);
  }

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        Arguments.of(
            "two source kinds",
            "source: { s3: { bucket: raw }, volume: { claimName: x } }\n"
                + VARIANTS
                + "\n"
                + OUTPUT,
            "spec.source",
            "exactly one of s3, http or volume"),
        Arguments.of(
            "no source kind",
            "source: { include: [\"*.jpg\"] }\n" + VARIANTS + "\n" + OUTPUT,
            "spec.source",
            "exactly one of s3, http or volume"),
        Arguments.of(
            "two output kinds",
            SOURCE
                + "\n"
                + VARIANTS
                + "\noutput: { s3: { bucket: out }, volume: { claimName: x } }",
            "spec.output",
            "exactly one of s3 or volume"),
        Arguments.of(
            "duplicate variant names",
            SOURCE
                + "\nvariants: [ { name: a, width: 1, formats: [webp] }, { name: a, width: 2, formats: [avif] } ]\n"
                + OUTPUT,
            "spec.variants",
            "variant names must be unique"),
        Arguments.of(
            "no formats",
            SOURCE + "\nvariants: [ { name: a, width: 1, formats: [] } ]\n" + OUTPUT,
            "spec.variants[0].formats",
            "should have at least 1 items"),
        Arguments.of(
            "width too large",
            SOURCE + "\nvariants: [ { name: a, width: 20000, formats: [webp] } ]\n" + OUTPUT,
            "spec.variants[0].width",
            "16384"),
        Arguments.of(
            "width zero",
            SOURCE + "\nvariants: [ { name: a, width: 0, formats: [webp] } ]\n" + OUTPUT,
            "spec.variants[0].width",
            "spec.variants[0].width in body should be greater than or equal to 1"),
        Arguments.of(
            "height zero",
            SOURCE + "\nvariants: [ { name: a, height: 0, formats: [webp] } ]\n" + OUTPUT,
            "spec.variants[0].height",
            "spec.variants[0].height in body should be greater than or equal to 1"),
        Arguments.of(
            "height too large",
            SOURCE + "\nvariants: [ { name: a, height: 16385, formats: [webp] } ]\n" + OUTPUT,
            "spec.variants[0].height",
            "spec.variants[0].height in body should be less than or equal to 16384"),
        Arguments.of(
            "no width or height",
            SOURCE + "\nvariants: [ { name: a, formats: [webp] } ]\n" + OUTPUT,
            "spec.variants[0]",
            "at least one of width or height"),
        Arguments.of(
            "cover without height",
            SOURCE
                + "\nvariants: [ { name: a, width: 10, fit: cover, formats: [webp] } ]\n"
                + OUTPUT,
            "spec.variants[0].fit",
            "need both width and height"),
        Arguments.of(
            "quality out of range",
            SOURCE + "\n" + VARIANTS + "\n" + OUTPUT + "\nencoding: { webp: { quality: 101 } }",
            "spec.encoding.webp.quality",
            "100"),
        Arguments.of(
            "webp quality zero",
            SOURCE + "\n" + VARIANTS + "\n" + OUTPUT + "\nencoding: { webp: { quality: 0 } }",
            "spec.encoding.webp.quality",
            "spec.encoding.webp.quality in body should be greater than or equal to 1"),
        Arguments.of(
            "jpeg quality zero",
            SOURCE + "\n" + VARIANTS + "\n" + OUTPUT + "\nencoding: { jpeg: { quality: 0 } }",
            "spec.encoding.jpeg.quality",
            "spec.encoding.jpeg.quality in body should be greater than or equal to 1"),
        Arguments.of(
            "avif quality zero",
            SOURCE + "\n" + VARIANTS + "\n" + OUTPUT + "\nencoding: { avif: { quality: 0 } }",
            "spec.encoding.avif.quality",
            "spec.encoding.avif.quality in body should be greater than or equal to 1"),
        Arguments.of(
            "effort out of range",
            SOURCE + "\n" + VARIANTS + "\n" + OUTPUT + "\nencoding: { avif: { effort: 10 } }",
            "spec.encoding.avif.effort",
            "9"),
        maxFailedImages("neither int nor percentage", "lots"),
        maxFailedImages("negative", "-1"),
        maxFailedImages("over 100%", "\"101%\""),
        maxFailedImages("negative percentage", "\"-1%\""),
        maxFailedImages("a bare dot", "\"1.%\""),
        maxFailedImages("a number as a string", "\"5\""),
        Arguments.of(
            "path template escaping the output",
            SOURCE
                + "\n"
                + VARIANTS
                + "\noutput: { s3: { bucket: out }, pathTemplate: \"../{stem}-{variant}.{ext}\" }",
            "spec.output.pathTemplate",
            "must not contain '..'"),
        Arguments.of(
            "path template without variant",
            SOURCE
                + "\n"
                + VARIANTS
                + "\noutput: { s3: { bucket: out }, pathTemplate: \"{stem}.{ext}\" }",
            "spec.output.pathTemplate",
            "{variant}"),
        Arguments.of(
            "volume without claim",
            "source: { volume: { path: in/ } }\n" + VARIANTS + "\n" + OUTPUT,
            "spec.source.volume.claimName",
            "claimName is required"));
  }

  private static Arguments maxFailedImages(String description, String value) {
    return Arguments.of(
        "maxFailedImages " + description,
        SOURCE
            + "\n"
            + VARIANTS
            + "\n"
            + OUTPUT
            + "\nexecution: { maxFailedImages: "
            + value
            + " }",
        "spec.execution.maxFailedImages",
        FailureBudget.CEL_MESSAGE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void theApiServerRejectsAnInvalidSpecNamingTheField(
      String description,
      String spec,
      String field,
      String message,
      TestNamespace ns,
      ControlPlane plane) {
    KubectlResult result = apply(plane, ns, "ImageBatch", "bad", spec);

    assertThat(result.exitCode()).as(description).isNotZero();
    assertThat(result.stderr()).as(description).contains(field).contains(message);
  }

  private static final String SLOTS =
      "blue: { image: registry.example.com/runner:1.4.0 }\n"
          + "green: { image: registry.example.com/runner:1.5.0 }";
  private static final String VERIFICATION =
      "verification: { " + SOURCE + ", " + VARIANTS + ", " + OUTPUT + " }";

  static Stream<Arguments> invalidRunners() {
    return Stream.of(
        Arguments.of(
            "Auto without a verification",
            SLOTS + "\npromotion: { strategy: Auto }",
            "spec.promotion",
            "the Auto strategy promotes only what passed verification"),
        Arguments.of(
            "no promotion at all",
            SLOTS,
            "spec.promotion",
            "set promotion.verification, or set promotion.strategy: Manual"),
        Arguments.of(
            "no slot",
            "promotion: { strategy: Manual }",
            "spec",
            "at least one of blue or green must name an image"),
        Arguments.of(
            "active names an empty slot",
            "blue: { image: r:1 }\nactive: green\npromotion: { strategy: Manual }",
            "spec.active",
            "spec.active names a slot with no image"),
        Arguments.of(
            "an unknown colour",
            SLOTS + "\nactive: red\npromotion: { strategy: Manual }",
            "spec.active",
            "supported values: \"blue\", \"green\""),
        Arguments.of(
            "an image with spaces",
            "blue: { image: \"r 1\" }\npromotion: { strategy: Manual }",
            "spec.blue.image",
            "should match"),
        Arguments.of(
            "a verification timeout below 10 s",
            SLOTS
                + "\npromotion: { strategy: Auto, verification: { "
                + SOURCE
                + ", "
                + VARIANTS
                + ", "
                + OUTPUT
                + ", timeoutSeconds: 5 } }",
            "spec.promotion.verification.timeoutSeconds",
            "should be greater than or equal to 10"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRunners")
  void theApiServerRejectsAnInvalidImageRunnerNamingTheField(
      String description,
      String spec,
      String field,
      String message,
      TestNamespace ns,
      ControlPlane plane) {
    KubectlResult result = apply(plane, ns, "ImageRunner", "bad", spec);

    assertThat(result.exitCode()).as(description).isNotZero();
    assertThat(result.stderr()).as(description).contains(field).contains(message);
  }

  @Test
  void aValidImageRunnerIsAcceptedWithTheSchemaDefaults(TestNamespace ns, ControlPlane plane) {
    KubectlResult result =
        apply(plane, ns, "ImageRunner", "default", SLOTS + "\npromotion: { " + VERIFICATION + " }");
    assertThat(result.exitCode()).as(result.stderr()).isZero();

    String stored = plane.kubectl("get", "ir/default", "-n", ns.name(), "-o", "yaml").orThrow();
    assertThat(stored)
        .contains("active: blue")
        .contains("strategy: Auto")
        .contains("timeoutSeconds: 600");
  }

  @Test
  void aValidSpecIsAcceptedWithTheSchemaDefaults(TestNamespace ns, ControlPlane plane) {
    KubectlResult result =
        apply(
            plane,
            ns,
            "ImageBatch",
            "good",
            SOURCE + "\n" + VARIANTS + "\n" + OUTPUT + "\nexecution: { maxFailedImages: \"3%\" }");
    assertThat(result.exitCode()).as(result.stderr()).isZero();

    String stored = plane.kubectl("get", "ib/good", "-n", ns.name(), "-o", "yaml").orThrow();
    assertThat(stored)
        .contains("runner: default")
        .contains("imagesPerShard: 200")
        .contains("quality: 80") // encoding: {} expands into nested defaults
        .contains("maxInputBytes: 256Mi")
        .contains("pathTemplate: '{dir}/{stem}-{variant}.{format}'")
        .contains("fit: inside")
        .contains("queueName: \"\"");
  }

  /**
   * No field of the spec sets a runner pod's environment: an author cannot widen the SSRF guard.
   */
  @Test
  void aBatchCannotSetTheRunnersEnvironment(TestNamespace ns, ControlPlane plane) {
    KubectlResult result =
        apply(
            plane,
            ns,
            "ImageBatch",
            "env",
            SOURCE
                + "\n"
                + VARIANTS
                + "\n"
                + OUTPUT
                + "\nexecution: { env: [ { name: IMAGEBATCH_HTTP_ALLOW_HOSTS, value: 10.0.0.0/8 } ] }");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("unknown field \"spec.execution.env\"");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"2.5%", "0.1%", "100.0%", "0%"})
  void aDecimalPercentageIsAccepted(String percent, TestNamespace ns, ControlPlane plane) {
    KubectlResult result =
        apply(
            plane,
            ns,
            "ImageBatch",
            "decimal",
            SOURCE
                + "\n"
                + VARIANTS
                + "\n"
                + OUTPUT
                + "\nexecution: { maxFailedImages: \""
                + percent
                + "\" }");
    assertThat(result.exitCode()).as(result.stderr()).isZero();
  }

  @Test
  void kubectlExplainShowsTheDescriptions(ControlPlane plane) {
    // The API server publishes a new CRD's OpenAPI schema shortly after it is Established, and
    // kubectl refreshes its discovery cache when it misses a resource.
    await()
        .atMost(Duration.ofMinutes(1))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(plane.kubectl("explain", "imagebatch.spec.variants").orThrow())
                  .contains("The variants every source image becomes")
                  .contains("formats")
                  .contains("The formats written for this variant");
              // kubectl wraps the text: compare it with whitespace collapsed.
              assertThat(
                      plane
                          .kubectl("explain", "ib.spec.execution.maxFailedImages")
                          .orThrow()
                          .replaceAll("\\s+", " "))
                  .contains(FailureBudget.FORMAT)
                  .contains("decimals allowed (\"0.1%\"), rounded down to whole images");
              assertThat(
                      plane.kubectl("explain", "ib.spec.runner").orThrow().replaceAll("\\s+", " "))
                  .contains("absent means \"default\"")
                  .contains(
                      "When the ImageRunner \"default\" does not exist, the operator's default"
                          + " image is used")
                  .contains(
                      "Any other ImageRunner named here that does not exist stalls the batch"
                          + " (Stalled, reason ImageRunnerNotFound) until it is created.");
              assertThat(plane.kubectl("explain", "ib.spec").orThrow())
                  .contains("What to process: the source images");
              assertThat(plane.kubectl("explain", "ib.status.conditions.type").orThrow())
                  .contains("The condition's type, e.g. Ready.");
              assertThat(plane.kubectl("explain", "ir.spec.defaults.resources.limits").orThrow())
                  .contains("Maximum compute resources");
            });
  }

  private static KubectlResult apply(
      ControlPlane plane, TestNamespace ns, String kind, String name, String spec) {
    String yaml =
        "apiVersion: imagebatch.io/v1alpha1\nkind: "
            + kind
            + "\nmetadata: { name: "
            + name
            + " }\nspec:\n"
            + spec.indent(2);
    try {
      Path file = Files.createTempFile("imagebatch-", ".yaml");
      Files.writeString(file, yaml);
      try {
        return plane.kubectl("apply", "-n", ns.name(), "-f", file.toString());
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
