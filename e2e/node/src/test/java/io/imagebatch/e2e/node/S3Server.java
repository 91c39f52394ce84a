package io.imagebatch.e2e.node;

import static org.awaitility.Awaitility.await;

import io.imagebatch.e2e.controlplane.Kubectl;
import io.imagebatch.e2e.controlplane.TestNamespace;
import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;

/**
 * s3proxy with an in-memory store, listening on this machine's own address so that runner pods on
 * the node's bridge reach it, as they would reach MinIO in a cluster.
 */
final class S3Server implements AutoCloseable {
  static final String ACCESS_KEY = "imagebatch-e2e";
  static final String SECRET_KEY = "imagebatch-e2e-secret";

  private final S3Proxy proxy;
  private final URI endpoint;

  private S3Server(S3Proxy proxy, URI endpoint) {
    this.proxy = proxy;
    this.endpoint = endpoint;
  }

  static S3Server start(String host) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("jclouds.identity", ACCESS_KEY);
    properties.setProperty("jclouds.credential", SECRET_KEY);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(BlobStores.create("transient", properties))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .ignoreUnknownHeaders(true)
            .endpoint(URI.create("http://" + host + ":0"))
            .build();
    proxy.start();
    await("s3proxy started")
        .atMost(Duration.ofSeconds(30))
        .until(() -> "STARTED".equals(proxy.getState()));
    return new S3Server(proxy, URI.create("http://" + host + ":" + proxy.getPort()));
  }

  URI endpoint() {
    return endpoint;
  }

  /** The Secret the examples name, {@code s3-credentials}, as their first comment creates it. */
  static void createCredentialsSecret(Kubectl kubectl, TestNamespace namespace) {
    kubectl
        .run(
            "-n",
            namespace.name(),
            "create",
            "secret",
            "generic",
            "s3-credentials",
            "--from-literal=AWS_ACCESS_KEY_ID=" + ACCESS_KEY,
            "--from-literal=AWS_SECRET_ACCESS_KEY=" + SECRET_KEY)
        .orThrow();
  }

  ObjectStore client() {
    return new ObjectStore(endpoint, ACCESS_KEY, SECRET_KEY);
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
  }
}
