package io.imagebatch.e2e.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the kubeconfig that kubectl, the controller manager and the fabric8 client all use. */
final class Kubeconfig {

  static final String CONTEXT = "imagebatch-test";

  private Kubeconfig() {}

  static Path write(Path file, String server, Pki pki) throws IOException {
    String yaml =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s
            certificate-authority: %3$s
        users:
        - name: imagebatch-admin
          user:
            client-certificate: %4$s
            client-key: %5$s
        contexts:
        - name: %1$s
          context:
            cluster: %1$s
            user: imagebatch-admin
        current-context: %1$s
        """
            .formatted(
                CONTEXT,
                server,
                pki.caCert().toAbsolutePath(),
                pki.adminCert().toAbsolutePath(),
                pki.adminKey().toAbsolutePath());
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }
}
