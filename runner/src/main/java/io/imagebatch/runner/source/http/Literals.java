package io.imagebatch.runner.source.http;

import java.net.InetAddress;

/** IP literals parsed without any DNS lookup. */
final class Literals {
  private Literals() {}

  /**
   * @return the address, or null when {@code text} is not an IP literal (i.e. it is a host name)
   */
  static InetAddress parse(String text) {
    String literal = text;
    if (literal.startsWith("[") && literal.endsWith("]")) {
      literal = literal.substring(1, literal.length() - 1);
    }
    try {
      return InetAddress.ofLiteral(literal);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
