package io.imagebatch.runner.source.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The guard with a scripted DNS: one lookup per resolve, all-or-nothing, allow-list semantics. */
class GuardedDnsResolverTest {
  private final List<String> lookups = new ArrayList<>();
  private final Map<String, InetAddress[]> dns =
      Map.of(
          "images.example.com", addresses("93.184.216.34", "2606:4700::1"),
          "mixed.example.com", addresses("93.184.216.34", "10.0.0.7"),
          "metadata.example.com", addresses("169.254.169.254"),
          "localhost", addresses("127.0.0.1", "::1"),
          "internal.corp", addresses("10.1.2.3"));

  private GuardedDnsResolver resolver(String... allowed) {
    return new GuardedDnsResolver(
        AllowList.of(List.of(allowed)),
        host -> {
          lookups.add(host);
          InetAddress[] answer = dns.get(host);
          if (answer == null) {
            throw new UnknownHostException(host);
          }
          return answer;
        });
  }

  @Test
  void aPublicNameResolvesToAllItsAddressesWithOneLookup() throws Exception {
    assertThat(resolver().resolve("images.example.com")).hasSize(2);
    assertThat(lookups).containsExactly("images.example.com");
  }

  @Test
  void oneForbiddenAddressAmongPublicOnesRefusesTheName() {
    assertThatThrownBy(() -> resolver().resolve("mixed.example.com"))
        .isInstanceOf(RefusedAddressException.class)
        .hasMessage(
            "mixed.example.com (10.0.0.7) is a private (10.0.0.0/8) address; HTTP sources may"
                + " only reach public addresses unless IMAGEBATCH_HTTP_ALLOW_HOSTS lists it");
    assertThat(lookups).containsExactly("mixed.example.com");
  }

  @Test
  void cloudMetadataIsRefused() {
    assertThatThrownBy(() -> resolver().resolve("metadata.example.com"))
        .isInstanceOf(RefusedAddressException.class)
        .hasMessageStartingWith(
            "metadata.example.com (169.254.169.254) is a link-local (169.254.0.0/16) address");
  }

  @Test
  void literalsAreCheckedWithoutAnyLookup() throws Exception {
    assertThatThrownBy(() -> resolver().resolve("127.0.0.1"))
        .isInstanceOf(RefusedAddressException.class)
        .hasMessageStartingWith("127.0.0.1 is a loopback (127.0.0.0/8) address");
    assertThatThrownBy(() -> resolver().resolve("[::ffff:169.254.169.254]"))
        .isInstanceOf(RefusedAddressException.class)
        .hasMessageStartingWith(
            "[::ffff:169.254.169.254] (169.254.169.254) is a link-local (169.254.0.0/16) address");
    assertThat(resolver().resolve("93.184.216.34")).hasSize(1);
    assertThat(lookups).isEmpty();
  }

  @Test
  void anAllowListedNameAllowsWhatItResolvesToCaseInsensitively() throws Exception {
    assertThat(resolver("LocalHost").resolve("localhost")).hasSize(2);
    assertThat(resolver("localhost").resolve("LOCALHOST".toLowerCase())).hasSize(2);
  }

  @Test
  void anAllowListedNameDoesNotOpenItsAddressesToOtherNamesOrLiterals() {
    assertThatThrownBy(() -> resolver("localhost").resolve("127.0.0.1"))
        .isInstanceOf(RefusedAddressException.class);
    assertThatThrownBy(() -> resolver("corp").resolve("internal.corp"))
        .isInstanceOf(RefusedAddressException.class);
  }

  @Test
  void anAllowListedNetworkOpensItsAddressesHoweverReached() throws Exception {
    assertThat(resolver("10.0.0.0/8").resolve("internal.corp")).hasSize(1);
    assertThat(resolver("10.0.0.0/8").resolve("10.200.0.1")).hasSize(1);
    assertThat(resolver("127.0.0.1").resolve("127.0.0.1")).hasSize(1);
    assertThatThrownBy(() -> resolver("127.0.0.1").resolve("127.0.0.2"))
        .isInstanceOf(RefusedAddressException.class);
    assertThat(resolver("::1").resolve("[::1]")).hasSize(1);
    assertThat(resolver("fd00::/8").resolve("fd00::5")).hasSize(1);
  }

  @Test
  void malformedAllowListEntriesAreNamed() {
    assertThatThrownBy(() -> AllowList.parse("ok.example, 10.0.0.0/33"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("\"10.0.0.0/33\" is not a CIDR such as 10.0.0.0/8");
    assertThatThrownBy(() -> AllowList.parse("http://x.example/"))
        .hasMessage("\"http://x.example/\" is not a CIDR such as 10.0.0.0/8");
    assertThatThrownBy(() -> AllowList.parse("bad host"))
        .hasMessage("\"bad host\" is neither a host name, an IP address nor a CIDR");
    assertThatThrownBy(
            () ->
                HttpFetcherConfig.fromEnvironment(
                    Map.of("IMAGEBATCH_HTTP_ALLOW_HOSTS", "a.example,nope/x"),
                    java.nio.file.Path.of("/tmp")))
        .hasMessage("IMAGEBATCH_HTTP_ALLOW_HOSTS: \"nope/x\" is not a CIDR such as 10.0.0.0/8");
  }

  @Test
  void theEnvironmentVariableIsCommaSeparated() {
    AllowList list =
        HttpFetcherConfig.fromEnvironment(
                Map.of("IMAGEBATCH_HTTP_ALLOW_HOSTS", " images.internal , 10.0.0.0/8,,::1 "),
                java.nio.file.Path.of("/tmp"))
            .allowList();
    assertThat(list.allowsHost("IMAGES.internal")).isTrue();
    assertThat(list.allowsHost("cdn.images.internal")).isFalse();
    assertThat(list.allowsAddress(InetAddress.ofLiteral("10.9.9.9"))).isTrue();
    assertThat(list.allowsAddress(InetAddress.ofLiteral("::1"))).isTrue();
    assertThat(list.allowsAddress(InetAddress.ofLiteral("11.0.0.1"))).isFalse();
    assertThat(
            HttpFetcherConfig.fromEnvironment(Map.of(), java.nio.file.Path.of("/tmp"))
                .allowList()
                .allowsHost("localhost"))
        .isFalse();
  }

  private static InetAddress[] addresses(String... literals) {
    InetAddress[] result = new InetAddress[literals.length];
    for (int i = 0; i < literals.length; i++) {
      result[i] = InetAddress.ofLiteral(literals[i]);
    }
    return result;
  }
}
