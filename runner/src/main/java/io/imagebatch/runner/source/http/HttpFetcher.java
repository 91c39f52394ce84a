package io.imagebatch.runner.source.http;

import io.imagebatch.runner.pipeline.FailureReason;
import io.imagebatch.runner.pipeline.ImageFailure;
import io.imagebatch.runner.pipeline.SourceFile;
import io.imagebatch.runner.source.Digests;
import io.imagebatch.runner.source.SourceFetcher;
import io.imagebatch.runner.source.SourceRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentLengthStrategy;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.impl.DefaultContentLengthStrategy;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * Downloads http(s) sources into temporary files, hashing them on the way.
 *
 * <p>Safety, in order: the scheme must be http or https; every host, the first and each redirect
 * target, goes through the {@link GuardedDnsResolver}, the only resolver the client has, so the
 * client connects only to checked addresses; no proxy is used (system proxies are ignored);
 * redirects are followed here, not by the client, up to {@link HttpFetcherConfig#maxRedirects()}.
 *
 * <p>Size: a {@code Content-Length} over {@code maxBytes} fails before the body is read; without
 * one the download is aborted as soon as it passes {@code maxBytes}. A body that ends before its
 * {@code Content-Length} (truncated) or goes on past it fails with {@code ReadFailed}. Each
 * download uses its own connection ({@code Connection: close}, never reused), so an aborted or
 * over-long body can never corrupt a later response.
 *
 * <p>Retries: 5xx, 429, I/O errors and timeouts are retried {@link HttpFetcherConfig#maxRetries()}
 * times with exponential backoff and jitter; other 4xx fail at once.
 */
public final class HttpFetcher implements SourceFetcher, AutoCloseable {
  /** Waits between retries; tests pass one that records instead of waiting. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private static final String TEMP_PREFIX = "imagebatch-http-";

  private final HttpFetcherConfig config;
  private final Sleeper sleeper;
  private final GuardedDnsResolver resolver;
  private final CloseableHttpClient client;
  private final LongSupplier clock;

  public HttpFetcher(HttpFetcherConfig config) {
    this(config, Thread::sleep);
  }

  public HttpFetcher(HttpFetcherConfig config, Sleeper sleeper) {
    this(config, sleeper, InetAddress::getAllByName);
  }

  public HttpFetcher(HttpFetcherConfig config, Sleeper sleeper, GuardedDnsResolver.Lookup lookup) {
    this(config, sleeper, lookup, System::nanoTime);
  }

  HttpFetcher(
      HttpFetcherConfig config,
      Sleeper sleeper,
      GuardedDnsResolver.Lookup lookup,
      LongSupplier nanoClock) {
    this.clock = nanoClock;
    this.config = config;
    this.sleeper = sleeper;
    this.resolver = new GuardedDnsResolver(config.allowList(), lookup);
    this.client = client(config, resolver);
  }

  private static CloseableHttpClient client(HttpFetcherConfig config, GuardedDnsResolver resolver) {
    // A Content-Length body is read as "until the connection closes", so that the fetcher sees,
    // and refuses, bytes past the announced length instead of silently leaving them unread.
    ContentLengthStrategy lengths =
        message -> {
          long length = DefaultContentLengthStrategy.INSTANCE.determineLength(message);
          return length >= 0 ? ContentLengthStrategy.UNDEFINED : length;
        };
    PoolingHttpClientConnectionManager connections =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setDnsResolver(resolver)
            .setConnectionFactory(
                ManagedHttpClientConnectionFactory.builder()
                    .incomingContentLengthStrategy(lengths)
                    .build())
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(Timeout.of(config.connectTimeout()))
                    .setSocketTimeout(Timeout.of(config.readTimeout()))
                    .build())
            .setDefaultSocketConfig(
                SocketConfig.custom().setSoTimeout(Timeout.of(config.readTimeout())).build())
            .setMaxConnTotal(64)
            .setMaxConnPerRoute(16)
            .build();
    return HttpClients.custom()
        .setConnectionManager(connections)
        .setRoutePlanner(new DefaultRoutePlanner(DefaultSchemePortResolver.INSTANCE))
        .setConnectionReuseStrategy((request, response, context) -> false)
        .disableRedirectHandling()
        .disableAutomaticRetries()
        .disableContentCompression()
        .disableCookieManagement()
        .disableAuthCaching()
        .setUserAgent("imagebatch-runner")
        .setDefaultRequestConfig(
            RequestConfig.custom()
                // Waiting for the head is one more silence: the read timeout bounds it. The
                // response timeout bounds the whole response (see copy), against drip-feeding.
                .setResponseTimeout(Timeout.of(config.readTimeout()))
                .setRedirectsEnabled(false)
                .build())
        .build();
  }

  @Override
  public SourceFile fetch(SourceRef ref, long maxBytes) throws ImageFailure {
    URI uri = parse(ref.location());
    Retryable last = null;
    for (int attempt = 0; attempt <= config.maxRetries(); attempt++) {
      if (attempt > 0) {
        backoff(attempt, last);
      }
      try {
        return download(ref.key(), uri, maxBytes);
      } catch (Retryable retryable) {
        last = retryable;
      }
    }
    int attempts = config.maxRetries() + 1;
    throw new ImageFailure(
        FailureReason.ReadFailed,
        last.getMessage() + " (" + attempts + (attempts == 1 ? " attempt)" : " attempts)"),
        last.getCause());
  }

  @Override
  public void release(SourceFile file) {
    Path path = file.file();
    if (path.getParent() != null
        && path.getParent().equals(config.tempDir())
        && path.getFileName().toString().startsWith(TEMP_PREFIX)) {
      deleteQuietly(path);
    }
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }

  /** The wait before retry {@code attempt} (1-based): initial × 2^(attempt-1), between ½ and 1×. */
  Duration backoffFor(int attempt) {
    long full = config.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
    long half = full / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(full - half + 1));
  }

  private void backoff(int attempt, Retryable last) throws ImageFailure {
    try {
      sleeper.sleep(backoffFor(attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageFailure(
          FailureReason.ReadFailed, "interrupted before retrying: " + last.getMessage(), e);
    }
  }

  private static URI parse(String location) throws ImageFailure {
    URI uri;
    try {
      uri = new URI(location);
    } catch (URISyntaxException e) {
      throw new ImageFailure(FailureReason.ReadFailed, "not a URL: " + location);
    }
    checkScheme(uri);
    return uri;
  }

  private static void checkScheme(URI uri) throws ImageFailure {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ImageFailure(
          FailureReason.SourceRefused, "only http and https URLs can be fetched, not " + uri);
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new ImageFailure(FailureReason.ReadFailed, "no host in " + uri);
    }
  }

  /** One attempt: the request and its redirects, then the body into a temporary file. */
  private SourceFile download(String key, URI start, long maxBytes) throws ImageFailure, Retryable {
    URI uri = start;
    for (int redirects = 0; ; redirects++) {
      checkScheme(uri);
      HttpGet get = new HttpGet(uri);
      get.setHeader(HttpHeaders.CONNECTION, "close");
      get.setHeader(HttpHeaders.ACCEPT, "image/*, */*;q=0.5");
      ClassicHttpResponse response = null;
      long deadline = clock.getAsLong() + config.responseTimeout().toNanos();
      try {
        refuseLiteral(uri);
        response = client.executeOpen(null, get, null);
        int code = response.getCode();
        if (isRedirect(code)) {
          Header location = response.getFirstHeader(HttpHeaders.LOCATION);
          if (location == null || location.getValue().isBlank()) {
            throw new ImageFailure(
                FailureReason.ReadFailed, "HTTP " + code + " without a Location from " + uri);
          }
          if (redirects >= config.maxRedirects()) {
            throw new ImageFailure(
                FailureReason.ReadFailed,
                "more than " + config.maxRedirects() + " redirects from " + start);
          }
          uri = redirectTarget(uri, location.getValue());
          continue;
        }
        if (code == 429 || code >= 500) {
          throw new Retryable("HTTP " + code + " from " + uri, null);
        }
        if (code < 200 || code >= 300) {
          throw new ImageFailure(FailureReason.ReadFailed, "HTTP " + code + " from " + uri);
        }
        return save(key, uri, response, maxBytes, deadline);
      } catch (IOException e) {
        throw rethrow(uri, e);
      } finally {
        // Never drain a body we stopped reading (it may be endless): drop the connection.
        get.cancel();
        closeQuietly(response);
      }
    }
  }

  private void refuseLiteral(URI uri) throws RefusedAddressException {
    InetAddress literal = Literals.parse(uri.getHost());
    if (literal != null) {
      resolver.check(uri.getHost(), literal);
    }
  }

  private static boolean isRedirect(int code) {
    return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
  }

  private static URI redirectTarget(URI from, String location) throws ImageFailure {
    try {
      return from.resolve(new URI(location.strip()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new ImageFailure(
          FailureReason.ReadFailed, "bad redirect Location \"" + location + "\" from " + from);
    }
  }

  private SourceFile save(
      String key, URI uri, ClassicHttpResponse response, long maxBytes, long deadline)
      throws ImageFailure, IOException, Retryable {
    long declared = declaredLength(uri, response);
    if (declared > maxBytes) {
      throw new ImageFailure(
          FailureReason.InputTooManyBytes,
          "more than " + maxBytes + " bytes (Content-Length " + declared + ") at " + uri);
    }
    Path file;
    try {
      Files.createDirectories(config.tempDir());
      file = Files.createTempFile(config.tempDir(), TEMP_PREFIX, ".part");
    } catch (IOException e) {
      // Our disk, not the source: no retry will help, and this is no source failure either.
      throw new java.io.UncheckedIOException(
          "cannot create a download file in " + config.tempDir(), e);
    }
    boolean done = false;
    try {
      MessageDigest digest = Digests.sha256();
      long size = 0;
      HttpEntity entity = response.getEntity();
      if (entity != null && declared != 0) {
        // Not closed here: closing would drain the rest of the body; the caller drops the
        // connection instead.
        InputStream in = entity.getContent();
        try (OutputStream out = Files.newOutputStream(file)) {
          size = copy(uri, in, out, digest, declared, maxBytes, deadline);
        }
      }
      done = true;
      return new SourceFile(key, file, size, HexFormat.of().formatHex(digest.digest()));
    } finally {
      if (!done) {
        deleteQuietly(file);
      }
    }
  }

  private long copy(
      URI uri,
      InputStream in,
      OutputStream out,
      MessageDigest digest,
      long declared,
      long maxBytes,
      long deadline)
      throws IOException, ImageFailure, Retryable {
    byte[] buffer = new byte[64 * 1024];
    long size = 0;
    while (true) {
      int want = buffer.length;
      if (declared >= 0) {
        if (size == declared) {
          // Everything announced has arrived; bytes already waiting behind it are a broken body.
          if (in.available() > 0) {
            throw new ImageFailure(
                FailureReason.ReadFailed,
                "the body of " + uri + " is longer than its Content-Length " + declared);
          }
          return size;
        }
        want = (int) Math.min(want, declared - size);
      }
      int n = in.read(buffer, 0, want);
      if (n < 0) {
        if (declared >= 0 && size < declared) {
          throw new Retryable(
              "truncated body from "
                  + uri
                  + ": "
                  + size
                  + " of Content-Length "
                  + declared
                  + " bytes",
              null);
        }
        return size;
      }
      size += n;
      if (clock.getAsLong() - deadline > 0) {
        throw new Retryable(
            "timed out reading "
                + uri
                + ": the response took longer than "
                + config.responseTimeout().toMillis()
                + " ms",
            null);
      }
      if (size > maxBytes) {
        throw new ImageFailure(
            FailureReason.InputTooManyBytes, "more than " + maxBytes + " bytes at " + uri);
      }
      digest.update(buffer, 0, n);
      out.write(buffer, 0, n);
    }
  }

  /** The Content-Length, or -1 (chunked, or read until the connection closes). */
  private static long declaredLength(URI uri, ClassicHttpResponse response) throws ImageFailure {
    if (response.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
      return -1;
    }
    Header[] headers = response.getHeaders(HttpHeaders.CONTENT_LENGTH);
    if (headers.length == 0) {
      return -1;
    }
    try {
      long length = Long.parseLong(headers[0].getValue().strip());
      for (Header other : headers) {
        if (Long.parseLong(other.getValue().strip()) != length) {
          throw new NumberFormatException();
        }
      }
      if (length < 0) {
        throw new NumberFormatException();
      }
      return length;
    } catch (NumberFormatException e) {
      throw new ImageFailure(FailureReason.ReadFailed, "invalid Content-Length from " + uri);
    }
  }

  /** Throws the failure an I/O error means: a refused address, or something worth retrying. */
  private Retryable rethrow(URI uri, IOException e) throws ImageFailure {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RefusedAddressException refused) {
        throw new ImageFailure(FailureReason.SourceRefused, refused.getMessage(), refused);
      }
    }
    if (e instanceof ConnectTimeoutException) {
      return new Retryable(
          "timed out connecting to "
              + uri
              + ": no connection within "
              + config.connectTimeout().toMillis()
              + " ms",
          e);
    }
    if (e instanceof SocketTimeoutException) {
      return new Retryable(
          "timed out reading " + uri + ": no data for " + config.readTimeout().toMillis() + " ms",
          e);
    }
    if (e instanceof InterruptedIOException) {
      return new Retryable("timed out reading " + uri + ": " + e.getMessage(), e);
    }
    return new Retryable("cannot read " + uri + ": " + e, e);
  }

  private static void closeQuietly(ClassicHttpResponse response) {
    if (response != null) {
      try {
        response.close();
      } catch (IOException | RuntimeException ignored) {
        // the connection was dropped on purpose
      }
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // emptyDir; gone with the pod
    }
  }

  /** A failure worth another attempt: 5xx, 429, I/O error, timeout, truncated body. */
  private static final class Retryable extends Exception {
    Retryable(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }
}
