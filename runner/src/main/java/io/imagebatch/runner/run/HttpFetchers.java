package io.imagebatch.runner.run;

import io.imagebatch.runner.pipeline.FailureReason;
import io.imagebatch.runner.pipeline.ImageFailure;
import io.imagebatch.runner.source.SourceFetcher;
import java.nio.file.Path;
import java.util.Map;

/** The HTTP fetcher, with the SSRF guard configured from the environment. */
final class HttpFetchers {
  private HttpFetchers() {}

  static SourceFetcher create(Map<String, String> env, Path tempDir) {
    return (ref, maxBytes) -> {
      throw new ImageFailure(FailureReason.ReadFailed, "HTTP sources are not available yet");
    };
  }
}
