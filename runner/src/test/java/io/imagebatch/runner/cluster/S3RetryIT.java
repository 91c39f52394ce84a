package io.imagebatch.runner.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.imagebatch.api.contract.ExitCode;
import io.imagebatch.runner.BatchYaml;
import io.imagebatch.runner.MainAccess;
import io.imagebatch.runner.s3.S3Clients;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3 answering 5xx or throttling: retried with backoff, and after the last attempt the pod
 * contract's exit 4. A real HTTP server plays an S3 endpoint that fails its first requests (s3proxy
 * cannot be told to fail), then serves a ListObjectsV2 page.
 */
class S3RetryIT {
  private static final String SLOW_DOWN =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
          + "<Message>Please reduce your request rate.</Message></Error>";
  private static final String INTERNAL_ERROR =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InternalError</Code>"
          + "<Message>We encountered an internal error. Please try again.</Message></Error>";

  @TempDir Path dir;
  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile int failFirst;
  private volatile String failure = SLOW_DOWN;

  @BeforeEach
  void stub() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void throttlingIsRetriedAndThePlanSucceeds() throws IOException {
    failFirst = 2; // 503 SlowDown twice, then the listing

    Result plan = plan();

    assertThat(plan.exit()).as(plan.err()).isEqualTo(ExitCode.OK);
    assertThat(requests).hasValue(3);
    assertThat(
            new ObjectMapper().readTree(dir.resolve("termination").toFile()).get("total").asInt())
        .isEqualTo(3);
  }

  @Test
  void aServerErrorIsRetriedAndThePlanSucceeds() throws IOException {
    failFirst = 1;
    failure = INTERNAL_ERROR; // 500

    Result plan = plan();

    assertThat(plan.exit()).as(plan.err()).isEqualTo(ExitCode.OK);
    assertThat(requests).hasValue(2);
  }

  @Test
  void aStoreThatKeepsFailingIsUnreachableAfterEveryAttempt() throws IOException {
    failFirst = Integer.MAX_VALUE;

    Result plan = plan();

    assertThat(plan.exit()).isEqualTo(ExitCode.STORAGE_UNREACHABLE);
    assertThat(requests).hasValue(S3Clients.MAX_ATTEMPTS);
    assertThat(plan.err())
        .isEqualTo(
            "storage unreachable: cannot list s3://raw/p/: Please reduce your request rate."
                + " (Service: S3, Status Code: 503, Request ID: null) (SDK Attempt Count: "
                + S3Clients.MAX_ATTEMPTS
                + ")\n");
  }

  private Result plan() throws IOException {
    Path spec =
        BatchYaml.write(
            dir,
            """
            source:
              s3: { bucket: raw, prefix: p/, endpoint: "http://127.0.0.1:%d" }
            variants:
              - { name: v, width: 100, formats: [webp] }
            output: { volume: { claimName: out, path: derived/ } }
            """
                .formatted(server.getAddress().getPort()));
    Map<String, String> env = new HashMap<>();
    env.put("IMAGEBATCH_OUTPUT_ROOT", dir.resolve("volume").toString());
    env.put("IMAGEBATCH_TERMINATION_MESSAGE_PATH", dir.resolve("termination").toString());
    env.put("SOURCE_AWS_ACCESS_KEY_ID", "stub");
    env.put("SOURCE_AWS_SECRET_ACCESS_KEY", "stub");
    env.put("TMPDIR", dir.resolve("tmp").toString());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode exit =
        MainAccess.run(
            new String[] {"plan", "--spec", spec.toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env);
    return new Result(exit, err.toString(StandardCharsets.UTF_8));
  }

  private void answer(HttpExchange exchange) throws IOException {
    boolean fail = requests.incrementAndGet() <= failFirst;
    String body =
        fail
            ? failure
            : "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult"
                + " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>raw</Name>"
                + "<Prefix>p/</Prefix><MaxKeys>1000</MaxKeys><KeyCount>3</KeyCount>"
                + "<IsTruncated>false</IsTruncated>"
                + contents("p/a.jpg")
                + contents("p/b.jpg")
                + contents("p/c.png")
                + "</ListBucketResult>";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/xml");
    exchange.sendResponseHeaders(fail ? (failure == SLOW_DOWN ? 503 : 500) : 200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String contents(String key) {
    return "<Contents><Key>" + key + "</Key><Size>100</Size></Contents>";
  }

  private record Result(ExitCode exit, String err) {}
}
