package io.imagebatch.runner.source.http;

import io.imagebatch.api.contract.RunnerEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How the HTTP fetcher downloads.
 *
 * @param tempDir where downloads go (the pod's emptyDir {@code /tmp})
 * @param allowList hosts and networks opened despite the SSRF guard; set by the cluster operator
 *     ({@value #ALLOW_HOSTS_ENV}), never by a batch author
 * @param connectTimeout to establish the TCP (and TLS) connection
 * @param readTimeout the longest silence: waiting for the response head, or between body bytes
 * @param responseTimeout the longest a whole response (head and body) may take, so that a server
 *     dripping one byte per {@code readTimeout} cannot hold a worker for ever
 * @param maxRedirects redirects followed per fetch; one more is a failure
 * @param maxRetries further attempts after a 5xx, a 429 or an I/O error
 * @param initialBackoff the wait before the first retry; doubled each retry, with jitter
 */
public record HttpFetcherConfig(
    Path tempDir,
    AllowList allowList,
    Duration connectTimeout,
    Duration readTimeout,
    Duration responseTimeout,
    int maxRedirects,
    int maxRetries,
    Duration initialBackoff) {

  public static final String ALLOW_HOSTS_ENV = RunnerEnvironment.HTTP_ALLOW_HOSTS;

  public HttpFetcherConfig {
    if (maxRedirects < 0 || maxRetries < 0) {
      throw new IllegalArgumentException("maxRedirects and maxRetries must be >= 0");
    }
  }

  /**
   * Production defaults, the allow-list from {@value #ALLOW_HOSTS_ENV}, downloads in
   * java.io.tmpdir.
   */
  public static HttpFetcherConfig fromEnvironment() {
    return fromEnvironment(System.getenv(), Path.of(System.getProperty("java.io.tmpdir")));
  }

  /**
   * @throws IllegalArgumentException when {@value #ALLOW_HOSTS_ENV} holds a malformed entry
   */
  public static HttpFetcherConfig fromEnvironment(Map<String, String> env, Path tempDir) {
    AllowList allowList;
    try {
      allowList = AllowList.parse(env.get(ALLOW_HOSTS_ENV));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(ALLOW_HOSTS_ENV + ": " + e.getMessage(), e);
    }
    return defaults(tempDir, allowList);
  }

  /** 10 s connect, 30 s read, 5 min per response, 5 redirects, 3 retries from 200 ms. */
  public static HttpFetcherConfig defaults(Path tempDir, AllowList allowList) {
    return new HttpFetcherConfig(
        tempDir,
        allowList,
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        5,
        3,
        Duration.ofMillis(200));
  }

  public HttpFetcherConfig withTimeouts(Duration connect, Duration read, Duration response) {
    return new HttpFetcherConfig(
        tempDir, allowList, connect, read, response, maxRedirects, maxRetries, initialBackoff);
  }

  public HttpFetcherConfig withMaxRedirects(int max) {
    return new HttpFetcherConfig(
        tempDir,
        allowList,
        connectTimeout,
        readTimeout,
        responseTimeout,
        max,
        maxRetries,
        initialBackoff);
  }

  public HttpFetcherConfig withMaxRetries(int max) {
    return new HttpFetcherConfig(
        tempDir,
        allowList,
        connectTimeout,
        readTimeout,
        responseTimeout,
        maxRedirects,
        max,
        initialBackoff);
  }
}
