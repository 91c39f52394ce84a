package io.imagebatch.runner.source;

import io.imagebatch.runner.config.Glob;
import java.net.URI;
import java.util.List;
import java.util.function.Consumer;

/**
 * A list of URLs. Each source's key is host + path (no query), so outputs from different hosts
 * never collide and keep their directory structure.
 */
public final class HttpSource implements SourceLister {
  private final List<String> urls;
  private final Glob.Filter filter;

  public HttpSource(List<String> urls, Glob.Filter filter) {
    this.urls = urls;
    this.filter = filter;
  }

  @Override
  public void forEach(Consumer<SourceRef> consumer) {
    for (String raw : urls) {
      String url = raw.strip();
      if (url.isEmpty() || url.startsWith("#")) {
        continue;
      }
      String key = key(url);
      if (filter.accepts(key)) {
        consumer.accept(new SourceRef(key, -1, url));
      }
    }
  }

  static String key(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      // Still listed, so the fetch refuses it as that one source's failure, naming the URL.
      return "invalid-url/" + url.replaceAll("[^A-Za-z0-9._-]", "_");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String host = uri.getHost() == null ? "unknown-host" : uri.getHost();
    return (host + (path.startsWith("/") ? path : "/" + path)).replaceAll("/+", "/");
  }
}
