package io.imagebatch.runner.source.http;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Hosts and networks the cluster operator opens despite the SSRF guard. An entry is a host name
 * (matched exactly, case-insensitively: {@code images.internal} does not open {@code
 * cdn.images.internal}), an IP literal ({@code 10.1.2.3}, {@code ::1}, {@code [::1]}) or a CIDR
 * ({@code 10.0.0.0/8}, {@code fd00::/8}). An allowed name allows whatever it resolves to; an
 * allowed address or network allows that address however it was reached.
 */
public final class AllowList {
  private final Set<String> hosts;
  private final List<Cidr> networks;

  private AllowList(Set<String> hosts, List<Cidr> networks) {
    this.hosts = hosts;
    this.networks = networks;
  }

  public static AllowList none() {
    return new AllowList(Set.of(), List.of());
  }

  /**
   * @throws IllegalArgumentException naming the first malformed entry
   */
  public static AllowList of(List<String> entries) {
    Set<String> hosts = new TreeSet<>();
    List<Cidr> networks = new ArrayList<>();
    for (String raw : entries) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      int slash = entry.indexOf('/');
      if (slash >= 0) {
        networks.add(Cidr.parse(entry));
      } else {
        InetAddress literal = Literals.parse(entry);
        if (literal != null) {
          networks.add(new Cidr(literal, literal.getAddress().length * 8));
        } else if (entry.matches("[A-Za-z0-9.-]+")) {
          hosts.add(entry.toLowerCase(Locale.ROOT));
        } else {
          throw new IllegalArgumentException(
              "\"" + entry + "\" is neither a host name, an IP address nor a CIDR");
        }
      }
    }
    return new AllowList(Set.copyOf(hosts), List.copyOf(networks));
  }

  /** Parses a comma-separated list, as in {@code IMAGEBATCH_HTTP_ALLOW_HOSTS}. */
  public static AllowList parse(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      return none();
    }
    return of(List.of(commaSeparated.split(",")));
  }

  public boolean allowsHost(String host) {
    return hosts.contains(host.toLowerCase(Locale.ROOT));
  }

  public boolean allowsAddress(InetAddress address) {
    for (Cidr network : networks) {
      if (network.contains(address)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    List<String> all = new ArrayList<>(hosts);
    networks.forEach(n -> all.add(n.toString()));
    return String.join(",", all);
  }

  private record Cidr(InetAddress network, int prefix) {
    static Cidr parse(String entry) {
      int slash = entry.indexOf('/');
      InetAddress address = Literals.parse(entry.substring(0, slash));
      int max = address == null ? 0 : address.getAddress().length * 8;
      int prefix;
      try {
        prefix = Integer.parseInt(entry.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (address == null || prefix < 0 || prefix > max) {
        throw new IllegalArgumentException("\"" + entry + "\" is not a CIDR such as 10.0.0.0/8");
      }
      return new Cidr(address, prefix);
    }

    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      byte[] n = network.getAddress();
      if (a.length != n.length) {
        return false;
      }
      int bits = prefix;
      for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
        int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
        if ((a[i] & mask) != (n[i] & mask)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return network.getHostAddress() + "/" + prefix;
    }
  }
}
