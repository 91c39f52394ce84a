package io.imagebatch.runner.source.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.hc.client5.http.DnsResolver;

/**
 * The SSRF guard, where it cannot be bypassed: the HTTP client connects only to the addresses this
 * resolver returns. A name is looked up once and refused if ANY of its addresses is forbidden (a
 * DNS answer mixing a public and a private address is an attack, not an accident), so there is no
 * second lookup a rebinding DNS server could answer differently.
 */
public final class GuardedDnsResolver implements DnsResolver {
  /** How a name becomes addresses; {@link InetAddress#getAllByName} outside tests. */
  @FunctionalInterface
  public interface Lookup {
    InetAddress[] lookup(String host) throws UnknownHostException;
  }

  private final AllowList allowList;
  private final Lookup lookup;

  public GuardedDnsResolver(AllowList allowList) {
    this(allowList, InetAddress::getAllByName);
  }

  public GuardedDnsResolver(AllowList allowList, Lookup lookup) {
    this.allowList = allowList;
    this.lookup = lookup;
  }

  @Override
  public InetAddress[] resolve(String host) throws UnknownHostException {
    InetAddress literal = Literals.parse(host);
    if (literal != null) {
      check(host, literal);
      return new InetAddress[] {literal};
    }
    InetAddress[] addresses = lookup.lookup(host);
    if (addresses == null || addresses.length == 0) {
      throw new UnknownHostException(host + ": no address");
    }
    if (!allowList.allowsHost(host)) {
      for (InetAddress address : addresses) {
        check(host, address);
      }
    }
    return addresses;
  }

  @Override
  public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
    return Arrays.stream(resolve(host)).map(a -> new InetSocketAddress(a, port)).toList();
  }

  @Override
  public String resolveCanonicalHostname(String host) throws UnknownHostException {
    // Only used for SPNEGO/Kerberos, never here; answering without a lookup keeps it harmless.
    return host;
  }

  /** Refuses a forbidden address that is not allow-listed; the message names both. */
  void check(String host, InetAddress address) throws RefusedAddressException {
    if (allowList.allowsAddress(address)) {
      return;
    }
    Optional<String> reason = AddressClassifier.forbidden(address);
    if (reason.isPresent()) {
      String shown =
          host.equals(address.getHostAddress())
              ? host
              : host + " (" + address.getHostAddress() + ")";
      throw new RefusedAddressException(
          shown
              + " is a "
              + reason.get()
              + " address; HTTP sources may only reach public addresses unless"
              + " IMAGEBATCH_HTTP_ALLOW_HOSTS lists it");
    }
  }
}
