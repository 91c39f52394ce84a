package io.imagebatch.runner.source.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every forbidden range, and its IPv6 disguises, from literals: no DNS involved. */
class AddressClassifierTest {

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          127.0.0.1         | loopback (127.0.0.0/8)
          127.255.255.254   | loopback (127.0.0.0/8)
          ::1               | loopback (::1)
          0.0.0.0           | unspecified (0.0.0.0/8)
          0.1.2.3           | unspecified (0.0.0.0/8)
          ::                | unspecified (::)
          169.254.169.254   | link-local (169.254.0.0/16)
          169.254.0.1       | link-local (169.254.0.0/16)
          fe80::1           | link-local (fe80::/10)
          febf:ffff::1      | link-local (fe80::/10)
          10.0.0.1          | private (10.0.0.0/8)
          10.255.255.255    | private (10.0.0.0/8)
          172.16.0.1        | private (172.16.0.0/12)
          172.31.255.255    | private (172.16.0.0/12)
          192.168.0.1       | private (192.168.0.0/16)
          192.168.255.255   | private (192.168.0.0/16)
          100.64.0.1        | carrier-grade NAT (100.64.0.0/10)
          100.127.255.255   | carrier-grade NAT (100.64.0.0/10)
          fc00::1           | unique-local (fc00::/7)
          fd12:3456::1      | unique-local (fc00::/7)
          224.0.0.1         | multicast (224.0.0.0/4)
          239.255.255.250   | multicast (224.0.0.0/4)
          ff02::1           | multicast (ff00::/8)
          255.255.255.255   | broadcast (255.255.255.255)
          240.0.0.1         | reserved (240.0.0.0/4)
          fec0::1           | site-local (fec0::/10)
          192.0.0.9         | IETF protocol assignments (192.0.0.0/24)
          192.0.2.2         | documentation (192.0.2.0/24)
          198.51.100.7      | documentation (198.51.100.0/24)
          203.0.113.200     | documentation (203.0.113.0/24)
          198.18.0.1        | benchmarking (198.18.0.0/15)
          198.19.255.255    | benchmarking (198.18.0.0/15)
          2001:db8::1       | documentation (2001:db8::/32)
          100::1            | discard-only (100::/64)
          64:ff9b::c000:202 | NAT64 embedding documentation (192.0.2.0/24)
          ::7f00:1          | IPv4-compatible embedding loopback (127.0.0.0/8)
          ::a9fe:a9fe       | IPv4-compatible embedding link-local (169.254.0.0/16)
          ::10.0.0.1        | IPv4-compatible embedding private (10.0.0.0/8)
          64:ff9b::7f00:1   | NAT64 embedding loopback (127.0.0.0/8)
          64:ff9b::a9fe:a9fe| NAT64 embedding link-local (169.254.0.0/16)
          64:ff9b::c0a8:101 | NAT64 embedding private (192.168.0.0/16)
          64:ff9b:1::a00:1  | NAT64 embedding private (10.0.0.0/8)
          2002:7f00:1::     | 6to4 embedding loopback (127.0.0.0/8)
          2002:a9fe:a9fe::1 | 6to4 embedding link-local (169.254.0.0/16)
          2002:ac10:1::1    | 6to4 embedding private (172.16.0.0/12)
          2001:0:4136:e378:8000:63bf:80ff:fffe | Teredo embedding loopback (127.0.0.0/8)
          """)
  void forbidden(String literal, String reason) {
    assertThat(AddressClassifier.forbidden(InetAddress.ofLiteral(literal))).hasValue(reason);
  }

  /** Java turns IPv4-mapped IPv6 literals into Inet4Address; the verdict is the IPv4 one. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          ::ffff:127.0.0.1      | loopback (127.0.0.0/8)
          ::ffff:7f00:1         | loopback (127.0.0.0/8)
          ::ffff:169.254.169.254| link-local (169.254.0.0/16)
          ::ffff:10.1.2.3       | private (10.0.0.0/8)
          ::ffff:0.0.0.0        | unspecified (0.0.0.0/8)
          ::ffff:100.64.0.1     | carrier-grade NAT (100.64.0.0/10)
          """)
  void ipv4MappedAddressesAreJudgedAsTheirIpv4Address(String literal, String reason) {
    InetAddress address = InetAddress.ofLiteral(literal);
    assertThat(AddressClassifier.forbidden(address)).hasValue(reason);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "93.184.216.34",
        "8.8.8.8",
        "1.1.1.1",
        "172.15.255.255",
        "172.32.0.0",
        "100.63.255.255",
        "100.128.0.0",
        "169.253.255.255",
        "192.169.0.1",
        "11.0.0.1",
        "223.255.255.255",
        "192.0.1.255",
        "192.0.3.0",
        "198.17.255.255",
        "198.20.0.0",
        "203.0.114.1",
        "2001:db9::1",
        "2606:4700::1",
        "2a00:1450:4001:80e::200e",
        "::ffff:93.184.216.34",
        "64:ff9b::5db8:d822",
        "2002:5db8:d822::1",
        "fe7f::1"
      })
  void publicAddressesPass(String literal) {
    assertThat(AddressClassifier.forbidden(InetAddress.ofLiteral(literal))).isEmpty();
  }
}
