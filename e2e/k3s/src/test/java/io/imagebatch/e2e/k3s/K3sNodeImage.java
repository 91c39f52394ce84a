package io.imagebatch.e2e.k3s;

/** The k3s node image the suite runs in the Docker engine; -Dimagebatch.k3s.image= changes it. */
final class K3sNodeImage {

  static final String NAME = System.getProperty("imagebatch.k3s.image", "rancher/k3s:v1.33.4-k3s1");

  private K3sNodeImage() {}
}
