package io.imagebatch.runner.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagebatch.api.contract.ExitCode;
import io.imagebatch.api.contract.PlanSummary;
import io.imagebatch.api.contract.TerminationMessage;
import io.imagebatch.runner.BatchYaml;
import io.imagebatch.runner.MainAccess;
import io.imagebatch.vips.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * plan and process against a real S3 protocol server (s3proxy, backed by a temporary directory):
 * 2,000 objects with every kind of bad input mixed in, several shards.
 */
class ClusterS3IT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int GOOD = 1994; // + the 6 bad ones: 2,000 objects
  private static final Map<String, String> BAD =
      Map.of(
          "bad/truncated.jpg", "CorruptInput",
          "bad/empty.jpg", "EmptyInput",
          "bad/text.jpg", "UnsupportedFormat",
          "bad/random.png", "UnsupportedFormat",
          "bad/bomb.png", "InputTooLarge",
          "bad/huge.jpg", "InputTooManyBytes");

  @RegisterExtension
  static final S3ProxyExtension S3 =
      S3ProxyExtension.builder().withCredentials("access", "secret").build();

  @TempDir Path dir;
  private S3Client s3;
  private Map<String, String> env;

  @BeforeEach
  void buckets() {
    s3 =
        S3Client.builder()
            .endpointOverride(S3.getUri())
            .forcePathStyle(true)
            // Plain PUT bodies, as the runner sends them: s3proxy breaks aws-chunked ones off
            // (docs/runner.md, "S3-compatible stores").
            .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret")))
            .build();
    s3.createBucket(b -> b.bucket("raw"));
    s3.createBucket(b -> b.bucket("derived"));
    env = new HashMap<>();
    env.put("SOURCE_AWS_ACCESS_KEY_ID", "access");
    env.put("SOURCE_AWS_SECRET_ACCESS_KEY", "secret");
    env.put("OUTPUT_AWS_ACCESS_KEY_ID", "access");
    env.put("OUTPUT_AWS_SECRET_ACCESS_KEY", "secret");
    env.put("TMPDIR", dir.resolve("tmp").toString());
  }

  @Test
  void planAndShardsProduceEveryVariantAndOneFailurePerBadObject() throws IOException {
    byte[] jpeg = TestImages.jpeg(48, 32);
    for (int i = 0; i < GOOD; i++) {
      put(String.format("photos/%02d/img-%04d.jpg", i % 20, i), jpeg);
    }
    put("photos/bad/truncated.jpg", TestImages.truncatedJpeg(800, 600));
    put("photos/bad/empty.jpg", new byte[0]);
    put("photos/bad/text.jpg", TestImages.text());
    put("photos/bad/random.png", TestImages.randomBytes(2048, 3));
    put("photos/bad/bomb.png", TestImages.pngClaiming(100_000, 100_000));
    put("photos/bad/huge.jpg", TestImages.jpeg(2000, 1500));
    put("photos/notes.txt", TestImages.text()); // excluded by the include globs
    Path spec = spec(S3.getUri(), 500);

    Result plan = run(List.of("plan", "--spec", spec.toString()), "plan");
    assertThat(plan.exit()).isEqualTo(ExitCode.OK);
    assertThat(TerminationMessage.plan(plan.message().toString()))
        .contains(
            new PlanSummary(GOOD + BAD.size(), 4, 500, "s3://derived/out/_imagebatch/test/7/"));

    long succeeded = 0;
    Map<String, String> failures = new HashMap<>();
    for (int shard = 0; shard < 4; shard++) {
      env.put("JOB_COMPLETION_INDEX", Integer.toString(shard));
      Result result = run(List.of("process", "--spec", spec.toString()), "shard" + shard);
      assertThat(result.exit()).isEqualTo(ExitCode.OK);
      assertThat(result.message().get("shard").asInt()).isEqualTo(shard);
      succeeded += result.message().get("images").get("succeeded").asLong();
      for (JsonNode line : manifest(shard)) {
        if (line.get("status").asText().equals("failed")) {
          failures.put(line.get("source").asText(), line.get("reason").asText());
        }
      }
    }
    assertThat(succeeded).isEqualTo(GOOD);
    assertThat(failures).isEqualTo(BAD);

    Set<String> written = keys("derived", "out/");
    for (int i = 0; i < GOOD; i++) {
      String stem = String.format("out/%02d/img-%04d", i % 20, i);
      assertThat(written).contains(stem + "-small.webp", stem + "-small.jpeg");
    }
    assertThat(written.stream().filter(k -> k.startsWith("out/bad/"))).isEmpty();
    HeadObjectResponse head =
        s3.headObject(b -> b.bucket("derived").key("out/00/img-0000-small.webp"));
    assertThat(head.contentType()).isEqualTo("image/webp");
    assertThat(head.cacheControl()).isEqualTo("public, max-age=600");
    assertThat(head.metadata().get("imagebatch-fingerprint")).startsWith("sha256=");
  }

  @Test
  void aRerunOfAShardSkipsWhatItWrote() throws IOException {
    for (int i = 0; i < 5; i++) {
      put("photos/p" + i + ".jpg", TestImages.jpeg(64, 48));
    }
    Path spec = spec(S3.getUri(), 100);
    assertThat(run(List.of("plan", "--spec", spec.toString()), "plan").exit())
        .isEqualTo(ExitCode.OK);
    run(List.of("process", "--spec", spec.toString(), "--shard", "0"), "first");
    Result again = run(List.of("process", "--spec", spec.toString(), "--shard", "0"), "again");
    assertThat(again.message().get("images").get("skipped").asInt()).isEqualTo(5);
    assertThat(again.message().get("variants").get("written").asInt()).isZero();
  }

  @Test
  void anUnreachableStoreExitsFourAfterRetries() throws IOException {
    Path spec = spec(URI.create("http://127.0.0.1:1"), 100);
    Result plan = run(List.of("plan", "--spec", spec.toString()), "plan");
    assertThat(plan.exit()).isEqualTo(ExitCode.STORAGE_UNREACHABLE);
    assertThat(plan.stderr()).contains("storage unreachable: cannot list s3://raw/photos/");
  }

  @Test
  void aShardWithoutAPlanIsAConfigurationError() throws IOException {
    Path spec = spec(S3.getUri(), 100);
    Result result = run(List.of("process", "--spec", spec.toString(), "--shard", "9"), "nine");
    assertThat(result.exit()).isEqualTo(ExitCode.INVALID_CONFIGURATION);
    assertThat(result.stderr())
        .contains(
            "--shard: no plan at s3://derived/out/_imagebatch/test/7/plan/shard-00009.jsonl;"
                + " run `plan` for this generation first");
  }

  @Test
  void processNeedsAShard() {
    Result result = run(List.of("process", "--spec", "x.yaml"), "none");
    assertThat(result.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(result.stderr()).contains("process needs --shard N or JOB_COMPLETION_INDEX");
  }

  private Path spec(URI endpoint, int perShard) throws IOException {
    Path file =
        BatchYaml.write(
            dir,
            """
            source:
              s3: { bucket: raw, prefix: photos/, endpoint: "%s", credentialsSecret: creds }
              include: ["**/*.jpg", "**/*.png"]
            variants:
              - { name: small, width: 24, formats: [webp, jpeg] }
            output:
              s3: { bucket: derived, prefix: out/, endpoint: "%s", credentialsSecret: creds }
              cacheControl: "public, max-age=600"
            limits: { maxInputBytes: 100Ki }
            execution: { imagesPerShard: %d }
            """
                .formatted(endpoint, endpoint, perShard));
    // A cluster batch has a generation; the plan and manifest live under it.
    String yaml =
        Files.readString(file).replace("  name: test\n", "  name: test\n  generation: 7\n");
    return Files.writeString(file, yaml);
  }

  private record Result(ExitCode exit, JsonNode message, String stderr) {}

  private Result run(List<String> args, String name) {
    Path message = dir.resolve("termination-" + name);
    env.put("IMAGEBATCH_TERMINATION_MESSAGE_PATH", message.toString());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode exit =
        MainAccess.run(
            args.toArray(String[]::new),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env);
    try {
      JsonNode node = Files.exists(message) ? JSON.readTree(message.toFile()) : null;
      if (node != null) {
        assertThat(Files.size(message)).isLessThanOrEqualTo(4096);
      }
      return new Result(exit, node, err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<JsonNode> manifest(int shard) throws IOException {
    String text =
        s3.getObjectAsBytes(
                b ->
                    b.bucket("derived")
                        .key(
                            String.format(
                                "out/_imagebatch/test/7/manifest/shard-%05d.jsonl", shard)))
            .asUtf8String();
    return text.lines()
        .map(
            line -> {
              try {
                return JSON.readTree(line);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }

  private void put(String key, byte[] bytes) {
    s3.putObject(b -> b.bucket("raw").key(key), RequestBody.fromBytes(bytes));
  }

  private Set<String> keys(String bucket, String prefix) {
    return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
        .map(S3Object::key)
        .collect(Collectors.toCollection(HashSet::new));
  }
}
