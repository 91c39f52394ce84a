package io.imagebatch.runner.source.http;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Which addresses an HTTP source may never reach unless the cluster operator allow-lists them: the
 * pod's own loopback, the node and cloud metadata (link-local), the cluster's private networks, the
 * special-purpose blocks IANA marks not globally reachable (documentation, benchmarking, protocol
 * assignments: no public image lives there, but a lab's or a cloud's internal hosts may), and every
 * IPv6 form that smuggles one of those IPv4 addresses (IPv4-mapped, IPv4-compatible, NAT64, 6to4,
 * Teredo). Works on {@link InetAddress} values only: no DNS lookup happens here.
 */
public final class AddressClassifier {
  private AddressClassifier() {}

  /**
   * @return why the address is forbidden (e.g. {@code "loopback"}, {@code "private (RFC 1918)"}),
   *     or empty for a public address
   */
  public static Optional<String> forbidden(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return forbiddenV4(b);
    }
    if (address instanceof Inet6Address) {
      return forbiddenV6(b);
    }
    return Optional.of("not an IP address");
  }

  private static Optional<String> forbiddenV4(byte[] b) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    if (a0 == 0) {
      return Optional.of("unspecified (0.0.0.0/8)");
    }
    if (a0 == 127) {
      return Optional.of("loopback (127.0.0.0/8)");
    }
    if (a0 == 10) {
      return Optional.of("private (10.0.0.0/8)");
    }
    if (a0 == 172 && (a1 & 0xf0) == 16) {
      return Optional.of("private (172.16.0.0/12)");
    }
    if (a0 == 192 && a1 == 168) {
      return Optional.of("private (192.168.0.0/16)");
    }
    if (a0 == 169 && a1 == 254) {
      return Optional.of("link-local (169.254.0.0/16)");
    }
    if (a0 == 100 && (a1 & 0xc0) == 64) {
      return Optional.of("carrier-grade NAT (100.64.0.0/10)");
    }
    int a2 = b[2] & 0xff;
    if (a0 == 192 && a1 == 0 && a2 == 0) {
      return Optional.of("IETF protocol assignments (192.0.0.0/24)");
    }
    if (a0 == 192 && a1 == 0 && a2 == 2) {
      return Optional.of("documentation (192.0.2.0/24)");
    }
    if (a0 == 198 && a1 == 51 && a2 == 100) {
      return Optional.of("documentation (198.51.100.0/24)");
    }
    if (a0 == 203 && a1 == 0 && a2 == 113) {
      return Optional.of("documentation (203.0.113.0/24)");
    }
    if (a0 == 198 && (a1 & 0xfe) == 18) {
      return Optional.of("benchmarking (198.18.0.0/15)");
    }
    if (a0 >= 224 && a0 <= 239) {
      return Optional.of("multicast (224.0.0.0/4)");
    }
    if (a0 == 255 && a1 == 255 && (b[2] & 0xff) == 255 && (b[3] & 0xff) == 255) {
      return Optional.of("broadcast (255.255.255.255)");
    }
    if (a0 >= 240) {
      return Optional.of("reserved (240.0.0.0/4)");
    }
    return Optional.empty();
  }

  private static Optional<String> forbiddenV6(byte[] b) {
    if (allZero(b, 0, 16)) {
      return Optional.of("unspecified (::)");
    }
    if (allZero(b, 0, 15) && b[15] == 1) {
      return Optional.of("loopback (::1)");
    }
    int b0 = b[0] & 0xff;
    int b1 = b[1] & 0xff;
    if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
      return Optional.of("link-local (fe80::/10)");
    }
    if ((b0 & 0xfe) == 0xfc) {
      return Optional.of("unique-local (fc00::/7)");
    }
    if (b0 == 0xff) {
      return Optional.of("multicast (ff00::/8)");
    }
    if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
      return Optional.of("site-local (fec0::/10)");
    }
    if (b0 == 0x20 && b1 == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
      return Optional.of("documentation (2001:db8::/32)");
    }
    if (b0 == 0x01 && b1 == 0x00 && allZero(b, 2, 8)) {
      return Optional.of("discard-only (100::/64)");
    }
    // IPv4 addresses hidden in IPv6 ones: whatever the embedded IPv4 address is, it decides.
    if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return embedded(b, 12, "IPv4-mapped");
    }
    if (allZero(b, 0, 12)) {
      return embedded(b, 12, "IPv4-compatible");
    }
    if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
      // 64:ff9b::/96 (well-known NAT64 prefix) and 64:ff9b:1::/48 (local-use NAT64)
      return embedded(b, 12, "NAT64");
    }
    if (b0 == 0x20 && b1 == 0x02) {
      return embedded(b, 2, "6to4");
    }
    if (b0 == 0x20 && b1 == 0x01 && b[2] == 0 && b[3] == 0) {
      // Teredo 2001::/32: the client's IPv4 address is stored inverted in the last 32 bits.
      byte[] v4 = new byte[4];
      for (int i = 0; i < 4; i++) {
        v4[i] = (byte) ~b[12 + i];
      }
      return forbiddenV4(v4).map(reason -> "Teredo embedding " + reason);
    }
    return Optional.empty();
  }

  private static Optional<String> embedded(byte[] b, int offset, String form) {
    byte[] v4 = {b[offset], b[offset + 1], b[offset + 2], b[offset + 3]};
    return forbiddenV4(v4).map(reason -> form + " embedding " + reason);
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
