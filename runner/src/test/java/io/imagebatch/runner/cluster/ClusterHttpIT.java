package io.imagebatch.runner.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.imagebatch.api.contract.ExitCode;
import io.imagebatch.runner.BatchYaml;
import io.imagebatch.runner.MainAccess;
import io.imagebatch.vips.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plan and process over an HTTP URL list served by a real local server, output on a volume. */
class ClusterHttpIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private HttpServer server;
  private final Map<String, byte[]> files = new HashMap<>();

  @BeforeEach
  void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = files.get(exchange.getRequestURI().getPath());
          exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            if (body != null) {
              out.write(body);
            }
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void urlsArePlannedFetchedAndEveryFailureRecorded() throws IOException {
    byte[] jpeg = TestImages.jpeg(64, 48);
    for (int i = 0; i < 40; i++) {
      files.put("/cdn/photos/p" + i + ".jpg", jpeg);
    }
    // The first runner issue's bad inputs, served over HTTP: each is one failure, nothing else.
    files.put("/cdn/bad/truncated.jpg", TestImages.truncatedJpeg(400, 300));
    files.put("/cdn/bad/empty.jpg", new byte[0]);
    files.put("/cdn/bad/text.jpg", TestImages.text());
    files.put("/cdn/bad/random.png", TestImages.randomBytes(2048, 3));
    files.put("/cdn/bad/bomb.png", TestImages.pngClaiming(100_000, 100_000));
    files.put("/cdn/bad/huge.jpg", TestImages.jpeg(2000, 1500));
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    List<String> urls =
        IntStream.range(0, 40)
            .mapToObj(i -> base + "/cdn/photos/p" + i + ".jpg")
            .collect(Collectors.toList());
    files.keySet().stream()
        .filter(path -> path.startsWith("/cdn/bad/"))
        .sorted()
        .forEach(path -> urls.add(base + path));
    urls.add(base + "/cdn/photos/missing.jpg");
    urls.add("http://10.0.0.1/internal.jpg"); // private: refused without a connection
    Path spec = spec(urls, "execution: { imagesPerShard: 20 }\nlimits: { maxInputBytes: 100Ki }\n");
    Map<String, String> env = env();

    JsonNode plan = run(env, "plan", List.of("plan", "--spec", spec.toString()));
    assertThat(plan.get("total").asInt()).isEqualTo(48);
    assertThat(plan.get("shards").asInt()).isEqualTo(3);

    Map<String, String> failures = new HashMap<>();
    long succeeded = 0;
    for (int shard = 0; shard < 3; shard++) {
      JsonNode message =
          run(
              env,
              "s" + shard,
              List.of("process", "--spec", spec.toString(), "--shard", "" + shard));
      succeeded += message.get("images").get("succeeded").asLong();
      for (JsonNode failure : message.get("failures")) {
        failures.put(failure.get("source").asText(), failure.get("reason").asText());
      }
    }
    assertThat(succeeded).isEqualTo(40);
    assertThat(failures)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "127.0.0.1/cdn/bad/truncated.jpg", "CorruptInput",
                "127.0.0.1/cdn/bad/empty.jpg", "EmptyInput",
                "127.0.0.1/cdn/bad/text.jpg", "UnsupportedFormat",
                "127.0.0.1/cdn/bad/random.png", "UnsupportedFormat",
                "127.0.0.1/cdn/bad/bomb.png", "InputTooLarge",
                "127.0.0.1/cdn/bad/huge.jpg", "InputTooManyBytes",
                "127.0.0.1/cdn/photos/missing.jpg", "ReadFailed",
                "10.0.0.1/internal.jpg", "SourceRefused"));
    assertThat(dir.resolve("volume/derived/127.0.0.1/cdn/photos/p39-t.webp")).exists();
    try (var leftovers = Files.list(dir.resolve("tmp"))) {
      assertThat(leftovers.flatMap(ClusterHttpIT::filesUnder)).isEmpty();
    }
  }

  @Test
  void urlsThatWouldEscapeTheOutputRootAreRefusedOneByOne() throws IOException {
    files.put("/cdn/ok.jpg", TestImages.jpeg(64, 48));
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    List<String> urls =
        List.of(
            base + "/cdn/a/b/%2e%2e/%2e%2e/%2e%2e/k.jpg", // encoded dot segments
            base + "/cdn/a%2F..%2F..%2F..%2Fk.jpg", // encoded slashes
            base + "/cdn/a/%2E%2E/%2E%2E/%2e%2E/K.jpg", // upper and mixed case
            base + "/cdn/bad url.jpg", // not a URL at all
            base + "/cdn/ok.jpg");
    Path spec = spec(urls, "");
    Map<String, String> env = env();
    run(env, "plan", List.of("plan", "--spec", spec.toString()));

    JsonNode message =
        run(env, "s0", List.of("process", "--spec", spec.toString(), "--shard", "0"));

    assertThat(message.get("images").get("succeeded").asInt()).isEqualTo(1);
    Map<String, String> failures = new HashMap<>();
    for (JsonNode failure : message.get("failures")) {
      failures.put(
          failure.get("source").asText(),
          failure.get("reason").asText() + ": " + failure.get("message").asText());
    }
    String bad =
        "invalid-url/http___127.0.0.1_" + server.getAddress().getPort() + "_cdn_bad_url.jpg";
    assertThat(failures)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "127.0.0.1/cdn/a/b/../../../k.jpg",
                "SourceRefused: source key 127.0.0.1/cdn/a/b/../../../k.jpg escapes the output root",
                "127.0.0.1/cdn/a/../../../k.jpg",
                "SourceRefused: source key 127.0.0.1/cdn/a/../../../k.jpg escapes the output root",
                "127.0.0.1/cdn/a/../../../K.jpg",
                "SourceRefused: source key 127.0.0.1/cdn/a/../../../K.jpg escapes the output root",
                bad,
                "ReadFailed: not a URL: " + base + "/cdn/bad url.jpg"));
    assertThat(dir.resolve("volume/derived/127.0.0.1/cdn/ok-t.webp")).exists();
    try (var written = Files.walk(dir.resolve("volume"))) {
      assertThat(written.filter(Files::isRegularFile).map(Path::toString))
          .noneMatch(p -> p.endsWith("/k-t.webp") || p.endsWith("/K-t.webp"));
    }
  }

  /** A batch over {@code urls} with one small webp variant, output on the volume. */
  private Path spec(List<String> urls, String more) throws IOException {
    return BatchYaml.write(
        dir,
        """
        source:
          http: { urls: %s }
        variants:
          - { name: t, width: 32, formats: [webp] }
        output: { volume: { claimName: out, path: derived/ } }
        """
                .formatted(JSON.writeValueAsString(urls))
            + more);
  }

  /** The pod's environment: the output volume, the allow-listed local server, a scratch dir. */
  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("IMAGEBATCH_OUTPUT_ROOT", dir.resolve("volume").toString());
    env.put("IMAGEBATCH_HTTP_ALLOW_HOSTS", "127.0.0.1");
    env.put("TMPDIR", dir.resolve("tmp").toString());
    return env;
  }

  private static java.util.stream.Stream<Path> filesUnder(Path path) {
    try {
      return Files.isDirectory(path)
          ? Files.walk(path).filter(Files::isRegularFile).toList().stream()
          : java.util.stream.Stream.of(path);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonNode run(Map<String, String> env, String name, List<String> args) throws IOException {
    Path message = dir.resolve("termination-" + name);
    env.put("IMAGEBATCH_TERMINATION_MESSAGE_PATH", message.toString());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode exit =
        MainAccess.run(
            args.toArray(String[]::new),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env);
    assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(ExitCode.OK);
    return JSON.readTree(message.toFile());
  }
}
