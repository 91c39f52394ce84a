package io.imagebatch.runner.source.http;

import java.net.UnknownHostException;

/**
 * The SSRF guard refused a host: it resolves to (or is) a forbidden address. An {@link
 * UnknownHostException} so that it can leave a {@code DnsResolver}; the fetcher turns it into a
 * {@code SourceRefused} failure.
 */
public final class RefusedAddressException extends UnknownHostException {
  public RefusedAddressException(String message) {
    super(message);
  }
}
