package io.imagebatch.runner.run;

import io.imagebatch.api.contract.RunnerEnvironment;
import io.imagebatch.runner.source.SourceFetcher;
import io.imagebatch.runner.source.http.HttpFetcher;
import io.imagebatch.runner.source.http.HttpFetcherConfig;
import java.nio.file.Path;
import java.util.Map;

/** The HTTP fetcher, with the SSRF guard's allow-list from the environment. */
final class HttpFetchers {
  private HttpFetchers() {}

  static SourceFetcher create(Map<String, String> env, Path tempDir) {
    try {
      return new HttpFetcher(HttpFetcherConfig.fromEnvironment(env, tempDir));
    } catch (IllegalArgumentException e) {
      throw new io.imagebatch.runner.config.InvalidSpecException(
          "environment",
          new io.imagebatch.runner.config.FieldError(
              RunnerEnvironment.HTTP_ALLOW_HOSTS, e.getMessage()));
    }
  }
}
