package io.imagebatch.runner.s3;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.imagebatch.api.v1alpha1.Format;
import io.imagebatch.api.v1alpha1.S3Location;
import io.imagebatch.runner.output.S3OutputStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a variant's PutObject puts on the wire to an S3-compatible endpoint: a plain body of
 * Content-Length bytes whose SHA-256 is signed, not the SDK's default aws-chunked body with a
 * checksum trailer. s3proxy 4.1 breaks the connection under 4 in 10 aws-chunked PUTs while the SDK
 * is still writing ("Error writing request body to server"; docs/runner.md, "S3-compatible
 * stores"), so a shard pod failed on all six attempts now and then. A real HTTP server records the
 * request.
 */
class S3CompatiblePutIT {
  private HttpServer server;
  private final AtomicReference<Request> put = new AtomicReference<>();

  private record Request(Headers headers, byte[] body) {}

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::record);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void aVariantIsOnePlainSignedBody() throws Exception {
    byte[] variant = new byte[70_000];
    new Random(7).nextBytes(variant);
    S3Location location =
        new S3Location("derived", "catalog/", "http://127.0.0.1:" + port(), null, null);
    Map<String, String> env =
        Map.of("OUTPUT_AWS_ACCESS_KEY_ID", "key", "OUTPUT_AWS_SECRET_ACCESS_KEY", "secret");

    try (var s3 = S3Clients.create(location, S3Clients.Role.OUTPUT, env)) {
      new S3OutputStore(s3, "derived", "catalog/", "public, max-age=60")
          .write("a-thumb.webp", variant, Format.WEBP, "fp");
    }

    Request request = put.get();
    assertThat(request.body()).isEqualTo(variant);
    assertThat(request.headers().getFirst("Content-Length"))
        .isEqualTo(Integer.toString(variant.length));
    assertThat(request.headers().getFirst("Content-Encoding")).isNull();
    assertThat(request.headers().getFirst("x-amz-trailer")).isNull();
    assertThat(request.headers().getFirst("x-amz-content-sha256")).isEqualTo(sha256(variant));
    assertThat(request.headers().getFirst("x-amz-meta-imagebatch-fingerprint")).isEqualTo("fp");
  }

  private int port() {
    return server.getAddress().getPort();
  }

  private void record(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      put.set(new Request(exchange.getRequestHeaders(), in.readAllBytes()));
    }
    exchange.getResponseHeaders().add("ETag", "\"etag\"");
    exchange.sendResponseHeaders(200, -1);
    exchange.close();
  }

  private static String sha256(byte[] data) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
