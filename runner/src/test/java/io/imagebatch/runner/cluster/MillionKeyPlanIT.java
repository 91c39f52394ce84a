package io.imagebatch.runner.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.imagebatch.runner.BatchYaml;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plans a million listed keys in a JVM capped at 256 MiB of heap. The listing comes from a
 * paginating stub of S3's ListObjectsV2 (a real HTTP server that generates pages on the fly), so
 * nothing needs a million real objects.
 */
class MillionKeyPlanIT {
  private static final int KEYS = 1_000_000;
  private static final int PAGE = 1000;

  @TempDir Path dir;
  private HttpServer server;

  @BeforeEach
  void listingStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::listPage);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void aMillionKeysPlanInBoundedHeap() throws Exception {
    Path spec =
        BatchYaml.write(
            dir,
            """
            source:
              s3: { bucket: huge, prefix: p/, endpoint: "http://127.0.0.1:%d" }
            variants:
              - { name: v, width: 100, formats: [webp] }
            output: { volume: { claimName: out, path: derived/ } }
            execution: { imagesPerShard: 1000 }
            """
                .formatted(server.getAddress().getPort()));
    Map<String, String> env = new TreeMap<>();
    env.put("IMAGEBATCH_OUTPUT_ROOT", dir.resolve("volume").toString());
    env.put("IMAGEBATCH_TERMINATION_MESSAGE_PATH", dir.resolve("termination").toString());
    env.put("SOURCE_AWS_ACCESS_KEY_ID", "stub");
    env.put("SOURCE_AWS_SECRET_ACCESS_KEY", "stub");
    env.put("TMPDIR", dir.resolve("tmp").toString());

    Process plan =
        ChildRunner.start(
            List.of("-Xmx256m", "-XX:+UseSerialGC"),
            List.of("plan", "--spec", spec.toString()),
            env,
            dir.resolve("plan.log"));

    assertThat(plan.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(plan.exitValue()).as(Files.readString(dir.resolve("plan.log"))).isZero();
    JsonNode message = new ObjectMapper().readTree(dir.resolve("termination").toFile());
    assertThat(message.get("total").asLong()).isEqualTo(KEYS);
    assertThat(message.get("shards").asInt()).isEqualTo(KEYS / 1000);
    Path planDir = dir.resolve("volume/derived/_imagebatch/test/local/plan");
    try (Stream<Path> files = Files.list(planDir)) {
      assertThat(files.filter(p -> p.getFileName().toString().startsWith("shard-"))).hasSize(1000);
    }
    assertThat(Files.readAllLines(planDir.resolve("shard-00999.jsonl")))
        .hasSize(1000)
        .last()
        .asString()
        .contains("\"key\":\"k/0999999.jpg\"");
  }

  /** One page of ListObjectsV2: keys p/k/0000000.jpg ... in order, continuation = next index. */
  private void listPage(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    int start = 0;
    for (String part : query == null ? new String[0] : query.split("&")) {
      if (part.startsWith("continuation-token=")) {
        start =
            Integer.parseInt(
                URLDecoder.decode(
                    part.substring("continuation-token=".length()), StandardCharsets.UTF_8));
      }
    }
    int end = Math.min(KEYS, start + PAGE);
    StringBuilder xml =
        new StringBuilder(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult"
                    + " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>huge</Name>"
                    + "<Prefix>p/</Prefix><MaxKeys>1000</MaxKeys><KeyCount>")
            .append(end - start)
            .append("</KeyCount><IsTruncated>")
            .append(end < KEYS)
            .append("</IsTruncated>");
    if (end < KEYS) {
      xml.append("<NextContinuationToken>").append(end).append("</NextContinuationToken>");
    }
    for (int i = start; i < end; i++) {
      xml.append("<Contents><Key>p/k/")
          .append(String.format("%07d", i))
          .append(".jpg</Key><Size>12345</Size><StorageClass>STANDARD</StorageClass></Contents>");
    }
    xml.append("</ListBucketResult>");
    byte[] body = xml.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/xml");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
