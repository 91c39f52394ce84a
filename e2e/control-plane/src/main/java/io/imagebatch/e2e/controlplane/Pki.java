package io.imagebatch.e2e.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The certificates and keys of one throw-away cluster, made with the openssl command line (present
 * wherever Kubernetes' own scripts run, and far shorter than X.509 code in Java). RSA keys, because
 * fabric8 reads PKCS#8 RSA keys without BouncyCastle.
 */
public record Pki(
    Path caCert,
    Path caKey,
    Path serverCert,
    Path serverKey,
    Path adminCert,
    Path adminKey,
    Path serviceAccountKey,
    Path serviceAccountPublicKey) {

  private static final int DAYS = 30;

  static Pki generate(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Pki pki =
        new Pki(
            dir.resolve("ca.crt"),
            dir.resolve("ca.key"),
            dir.resolve("apiserver.crt"),
            dir.resolve("apiserver.key"),
            dir.resolve("admin.crt"),
            dir.resolve("admin.key"),
            dir.resolve("service-account.key"),
            dir.resolve("service-account.pub"));
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        pki.caKey.toString(),
        "-out",
        pki.caCert.toString(),
        "-days",
        String.valueOf(DAYS),
        "-subj",
        "/CN=imagebatch-test-ca");
    pki.sign(
        dir,
        "apiserver",
        "/CN=kube-apiserver",
        "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,"
            + "DNS:kubernetes.default,DNS:kubernetes.default.svc\n"
            + "extendedKeyUsage=serverAuth\n",
        pki.serverKey,
        pki.serverCert);
    // O=system:masters: the admin bypasses RBAC, as do the controller manager and the simulator.
    pki.sign(
        dir,
        "admin",
        "/O=system:masters/CN=imagebatch-admin",
        "extendedKeyUsage=clientAuth\n",
        pki.adminKey,
        pki.adminCert);
    openssl(
        dir,
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        pki.serviceAccountKey.toString());
    openssl(
        dir,
        "pkey",
        "-in",
        pki.serviceAccountKey.toString(),
        "-pubout",
        "-out",
        pki.serviceAccountPublicKey.toString());
    return pki;
  }

  private void sign(Path dir, String name, String subject, String extensions, Path key, Path cert)
      throws IOException, InterruptedException {
    Path csr = dir.resolve(name + ".csr");
    Path ext = dir.resolve(name + ".ext");
    Files.writeString(ext, extensions, StandardCharsets.UTF_8);
    openssl(
        dir,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key.toString(),
        "-out",
        csr.toString(),
        "-subj",
        subject);
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        caCert.toString(),
        "-CAkey",
        caKey.toString(),
        "-CAcreateserial",
        "-days",
        String.valueOf(DAYS),
        "-extfile",
        ext.toString(),
        "-out",
        cert.toString());
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Path log = dir.resolve("openssl.log");
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new ControlPlaneUnavailableException("openssl not found (" + e.getMessage() + ")");
    }
    if (process.waitFor() != 0) {
      throw new IllegalStateException(
          "openssl " + String.join(" ", args) + " failed:\n" + ProcessLogs.tail(log, 20));
    }
  }
}
