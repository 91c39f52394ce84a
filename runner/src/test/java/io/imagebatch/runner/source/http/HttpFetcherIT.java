package io.imagebatch.runner.source.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.imagebatch.runner.pipeline.FailureReason;
import io.imagebatch.runner.pipeline.ImageFailure;
import io.imagebatch.runner.pipeline.SourceFile;
import io.imagebatch.runner.source.Digests;
import io.imagebatch.runner.source.SourceRef;
import io.imagebatch.vips.TestImages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP fetcher against a real HTTP server on 127.0.0.1 (and a raw socket for broken bodies).
 */
class HttpFetcherIT {
  private static final byte[] IMAGE = TestImages.jpeg(320, 200);

  @TempDir Path tmp;

  private HttpServer server;
  private ExecutorService executor;
  private final CountDownLatch unblock = new CountDownLatch(1);
  private final List<Duration> waits = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private ServerSocket raw;
  private HttpFetcher fetcher;

  @BeforeEach
  void start() throws IOException {
    executor = Executors.newCachedThreadPool();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.start();
  }

  @AfterEach
  void stop() throws IOException {
    unblock.countDown();
    if (fetcher != null) {
      fetcher.close();
    }
    server.stop(0);
    if (raw != null) {
      raw.close();
    }
    executor.shutdownNow();
  }

  @Test
  void downloadsAnImageWithItsBytesAndSha256() throws Exception {
    serve("/img/a.jpg", exchange -> send(exchange, 200, IMAGE));
    fetcher = fetcher("127.0.0.1");

    SourceFile file = fetcher.fetch(ref("/img/a.jpg"), 10_000_000);

    assertThat(file.key()).isEqualTo("key");
    assertThat(file.size()).isEqualTo(IMAGE.length);
    assertThat(Files.readAllBytes(file.file())).isEqualTo(IMAGE);
    assertThat(file.sha256()).isEqualTo(sha256(IMAGE));
    assertThat(file.file().getParent()).isEqualTo(tmp);
    fetcher.release(file);
    assertThat(file.file()).doesNotExist();
  }

  @Test
  void anEmptyBodyIsAZeroByteFileForTheProcessorToRefuse() throws Exception {
    serve("/empty", exchange -> send(exchange, 200, new byte[0]));
    fetcher = fetcher("127.0.0.1");

    SourceFile file = fetcher.fetch(ref("/empty"), 100);

    assertThat(file.size()).isZero();
    assertThat(file.sha256()).isEqualTo(sha256(new byte[0]));
  }

  @Test
  void aBodyThatStallsPastTheReadTimeoutFailsAfterRetries() {
    serve(
        "/slow",
        exchange -> {
          requests.incrementAndGet();
          exchange.sendResponseHeaders(200, IMAGE.length);
          OutputStream out = exchange.getResponseBody();
          out.write(IMAGE, 0, IMAGE.length / 2);
          out.flush();
          awaitUnblock();
          out.write(IMAGE, IMAGE.length / 2, IMAGE.length - IMAGE.length / 2);
          out.close();
        });
    fetcher = fetcher("127.0.0.1");

    ImageFailure failure = fail(ref("/slow"), 10_000_000);

    assertThat(failure.reason()).isEqualTo(FailureReason.ReadFailed);
    assertThat(failure.getMessage())
        .isEqualTo("timed out reading " + url("/slow") + ": no data for 300 ms (4 attempts)");
    assertThat(requests).hasValue(4);
    assertThat(waits).hasSize(3);
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void aResponseThatTakesLongerThanTheResponseTimeoutFails() {
    serve("/drip", exchange -> send(exchange, 200, new byte[2 * 1024 * 1024]));
    AtomicLong now = new AtomicLong();
    // Every look at the clock is one second later: the 10 s response timeout passes after 10 reads.
    fetcher =
        new HttpFetcher(
            config(AllowList.of(List.of("127.0.0.1")))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10))
                .withMaxRetries(0),
            waits::add,
            InetAddress::getAllByName,
            () -> now.addAndGet(1_000_000_000L));

    ImageFailure failure = fail(ref("/drip"), 10_000_000);

    assertThat(failure.reason()).isEqualTo(FailureReason.ReadFailed);
    assertThat(failure.getMessage())
        .isEqualTo(
            "timed out reading "
                + url("/drip")
                + ": the response took longer than 10000 ms (1 attempt)");
    assertThat(now).hasValue(12_000_000_000L);
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void aBodyLongerThanItsContentLengthIsRefused() throws Exception {
    String url = rawServer(head(100) + "x".repeat(150));
    fetcher = fetcher("127.0.0.1");

    ImageFailure failure = fail(new SourceRef("key", -1, url), 10_000);

    assertThat(failure.reason()).isEqualTo(FailureReason.ReadFailed);
    assertThat(failure.getMessage())
        .isEqualTo("the body of " + url + " is longer than its Content-Length 100");
    assertThat(requests).hasValue(1);
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void aTruncatedBodyIsRetriedThenFails() throws Exception {
    String url = rawServer(head(100) + "x".repeat(40));
    fetcher = fetcher("127.0.0.1");

    ImageFailure failure = fail(new SourceRef("key", -1, url), 10_000);

    assertThat(failure.reason()).isEqualTo(FailureReason.ReadFailed);
    assertThat(failure.getMessage())
        .isEqualTo("truncated body from " + url + ": 40 of Content-Length 100 bytes (4 attempts)");
    assertThat(requests).hasValue(4);
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void aRedirectToALiteralAddressOutsideTheAllowListIsRefused() {
    AtomicInteger imageRequests = new AtomicInteger();
    serve("/img/a.jpg", exchange -> send(exchange, 200, IMAGE, imageRequests));
    serve(
        "/moved",
        exchange -> {
          exchange.getResponseHeaders().set("Location", url("/img/a.jpg"));
          send(exchange, 302, new byte[0]);
        });
    fetcher = fetcher("localhost");
    String start = "http://localhost:" + port() + "/moved";

    ImageFailure failure = fail(new SourceRef("key", -1, start), 10_000_000);

    assertThat(failure.reason()).isEqualTo(FailureReason.SourceRefused);
    assertThat(failure.getMessage())
        .isEqualTo(
            "127.0.0.1 is a loopback (127.0.0.0/8) address; HTTP sources may only reach public"
                + " addresses unless IMAGEBATCH_HTTP_ALLOW_HOSTS lists it");
    assertThat(imageRequests).hasValue(0);
    assertThat(waits).isEmpty();
  }

  @Test
  void anAllowListedNameIsFetchedThroughARelativeRedirect() throws Exception {
    serve("/img/a.jpg", exchange -> send(exchange, 200, IMAGE));
    serve(
        "/moved",
        exchange -> {
          exchange.getResponseHeaders().set("Location", "/img/a.jpg");
          send(exchange, 301, new byte[0]);
        });
    fetcher = fetcher("localhost");

    SourceFile file =
        fetcher.fetch(new SourceRef("key", -1, "http://localhost:" + port() + "/moved"), 1 << 20);

    assertThat(file.sha256()).isEqualTo(sha256(IMAGE));
  }

  @Test
  void aLoopbackUrlWithoutAnAllowListNeverReachesTheServer() {
    serve("/img/a.jpg", exchange -> send(exchange, 200, IMAGE, requests));
    fetcher = new HttpFetcher(config(AllowList.none()), waits::add);

    ImageFailure failure = fail(ref("/img/a.jpg"), 10_000_000);

    assertThat(failure.reason()).isEqualTo(FailureReason.SourceRefused);
    assertThat(failure.getMessage()).startsWith("127.0.0.1 is a loopback (127.0.0.0/8) address");
    assertThat(requests).hasValue(0);
  }

  @Test
  void tooManyRedirectsFail() {
    serve(
        "/loop",
        exchange -> {
          requests.incrementAndGet();
          exchange.getResponseHeaders().set("Location", "/loop");
          send(exchange, 307, new byte[0]);
        });
    fetcher = fetcher("127.0.0.1");

    ImageFailure failure = fail(ref("/loop"), 10_000_000);

    assertThat(failure.reason()).isEqualTo(FailureReason.ReadFailed);
    assertThat(failure.getMessage()).isEqualTo("more than 5 redirects from " + url("/loop"));
    assertThat(requests).hasValue(6);
    assertThat(waits).isEmpty();
  }

  @Test
  void aRedirectToAnotherSchemeIsRefused() {
    serve(
        "/ftp",
        exchange -> {
          exchange.getResponseHeaders().set("Location", "file:///etc/passwd");
          send(exchange, 302, new byte[0]);
        });
    fetcher = fetcher("127.0.0.1");

    ImageFailure failure = fail(ref("/ftp"), 10_000_000);

    assertThat(failure.reason()).isEqualTo(FailureReason.SourceRefused);
    assertThat(failure.getMessage())
        .isEqualTo("only http and https URLs can be fetched, not file:///etc/passwd");
  }

  @Test
  void a404FailsAtOnceWithoutRetrying() {
    serve("/missing", exchange -> send(exchange, 404, new byte[0], requests));
    fetcher = fetcher("127.0.0.1");

    ImageFailure failure = fail(ref("/missing"), 10_000_000);

    assertThat(failure.reason()).isEqualTo(FailureReason.ReadFailed);
    assertThat(failure.getMessage()).isEqualTo("HTTP 404 from " + url("/missing"));
    assertThat(requests).hasValue(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void a500IsRetriedAndTheRetrySucceeds() throws Exception {
    serve(
        "/flaky",
        exchange -> {
          if (requests.incrementAndGet() == 1) {
            send(exchange, 500, "oops".getBytes(StandardCharsets.UTF_8));
          } else {
            send(exchange, 200, IMAGE);
          }
        });
    fetcher = fetcher("127.0.0.1");

    SourceFile file = fetcher.fetch(ref("/flaky"), 10_000_000);

    assertThat(file.sha256()).isEqualTo(sha256(IMAGE));
    assertThat(requests).hasValue(2);
    assertThat(waits).hasSize(1);
    assertThat(waits.getFirst()).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
  }

  @Test
  void persistent503sAnd429sFailAfterEveryRetryWithGrowingWaits() {
    serve("/busy", exchange -> send(exchange, 503, new byte[0], requests));
    serve("/limited", exchange -> send(exchange, 429, new byte[0]));
    fetcher = fetcher("127.0.0.1");

    ImageFailure busy = fail(ref("/busy"), 10_000_000);
    ImageFailure limited = fail(ref("/limited"), 10_000_000);

    assertThat(busy.getMessage()).isEqualTo("HTTP 503 from " + url("/busy") + " (4 attempts)");
    assertThat(limited.getMessage())
        .isEqualTo("HTTP 429 from " + url("/limited") + " (4 attempts)");
    assertThat(requests).hasValue(4);
    assertThat(waits.subList(0, 3))
        .satisfiesExactly(
            w -> assertThat(w).isBetween(Duration.ofMillis(100), Duration.ofMillis(200)),
            w -> assertThat(w).isBetween(Duration.ofMillis(200), Duration.ofMillis(400)),
            w -> assertThat(w).isBetween(Duration.ofMillis(400), Duration.ofMillis(800)));
  }

  @Test
  void aChunkedBodyIsAbortedAsSoonAsItPassesMaxBytes() {
    AtomicInteger written = new AtomicInteger();
    serve(
        "/endless",
        exchange -> {
          exchange.sendResponseHeaders(200, 0); // chunked, no Content-Length
          byte[] chunk = new byte[1024];
          try (OutputStream out = exchange.getResponseBody()) {
            // "Endless" up to 256 MiB: the client must hang up long before.
            for (int i = 0; i < 256 * 1024; i++) {
              out.write(chunk);
              out.flush();
              written.addAndGet(chunk.length);
            }
          } catch (IOException clientHungUp) {
            // expected
          }
        });
    fetcher = fetcher("127.0.0.1");

    ImageFailure failure = fail(ref("/endless"), 2048);

    assertThat(failure.reason()).isEqualTo(FailureReason.InputTooManyBytes);
    assertThat(failure.getMessage()).isEqualTo("more than 2048 bytes at " + url("/endless"));
    assertThat(tmp).isEmptyDirectory();
    assertThat(waits).isEmpty();
  }

  @Test
  void aContentLengthOverMaxBytesFailsBeforeTheBodyIsRead() {
    serve("/big", exchange -> send(exchange, 200, new byte[5000]));
    fetcher = fetcher("127.0.0.1");

    ImageFailure failure = fail(ref("/big"), 4999);

    assertThat(failure.reason()).isEqualTo(FailureReason.InputTooManyBytes);
    assertThat(failure.getMessage())
        .isEqualTo("more than 4999 bytes (Content-Length 5000) at " + url("/big"));
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void aBodyOfExactlyMaxBytesIsAccepted() throws Exception {
    serve("/exact", exchange -> send(exchange, 200, new byte[5000]));
    fetcher = fetcher("127.0.0.1");

    assertThat(fetcher.fetch(ref("/exact"), 5000).size()).isEqualTo(5000);
  }

  // --- helpers ---

  private HttpFetcher fetcher(String allowed) {
    return new HttpFetcher(config(AllowList.of(List.of(allowed))), waits::add);
  }

  private HttpFetcherConfig config(AllowList allowList) {
    return HttpFetcherConfig.defaults(tmp, allowList)
        .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(5));
  }

  private ImageFailure fail(SourceRef ref, long maxBytes) {
    return catchThrowableOfType(ImageFailure.class, () -> fetcher.fetch(ref, maxBytes));
  }

  private SourceRef ref(String path) {
    return new SourceRef("key", -1, url(path));
  }

  private String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  private int port() {
    return server.getAddress().getPort();
  }

  private void serve(String path, HttpHandler handler) {
    server.createContext(
        path,
        exchange -> {
          try (exchange) {
            handler.handle(exchange);
          }
        });
  }

  private static void send(HttpExchange exchange, int code, byte[] body) throws IOException {
    send(exchange, code, body, new AtomicInteger());
  }

  private static void send(HttpExchange exchange, int code, byte[] body, AtomicInteger counter)
      throws IOException {
    counter.incrementAndGet();
    exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private void awaitUnblock() {
    try {
      unblock.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String head(int contentLength) {
    return "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: "
        + contentLength
        + "\r\nConnection: close\r\n\r\n";
  }

  /** A server that answers every connection with the same raw bytes, then hangs up. */
  private String rawServer(String response) throws IOException {
    raw = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    executor.submit(
        () -> {
          while (!raw.isClosed()) {
            try (Socket socket = raw.accept()) {
              requests.incrementAndGet();
              readRequestHead(socket.getInputStream());
              OutputStream out = socket.getOutputStream();
              out.write(response.getBytes(StandardCharsets.ISO_8859_1));
              out.flush();
            } catch (IOException closed) {
              // the test is over, or the client hung up
            }
          }
        });
    return "http://127.0.0.1:" + raw.getLocalPort() + "/raw.jpg";
  }

  private static void readRequestHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    for (int b; matched < 4 && (b = in.read()) >= 0; ) {
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  private static String sha256(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(Digests.sha256().digest(bytes));
  }
}
