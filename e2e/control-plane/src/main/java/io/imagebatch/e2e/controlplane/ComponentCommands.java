package io.imagebatch.e2e.controlplane;

import java.nio.file.Path;
import java.util.List;

/**
 * The command lines of etcd, kube-apiserver and kube-controller-manager: the one place that says
 * how this test cluster differs from a production one, and why.
 */
final class ComponentCommands {

  /**
   * The controllers Jobs need. serviceaccount makes each namespace's "default" ServiceAccount,
   * which pod admission requires; pod-gc and ttl-after-finished keep finished work from piling up.
   */
  static final String CONTROLLERS =
      "job-controller,garbage-collector-controller,namespace-controller,"
          + "serviceaccount-controller,pod-garbage-collector-controller,"
          + "ttl-after-finished-controller";

  private static final String ISSUER = "https://kubernetes.default.svc.cluster.local";

  private ComponentCommands() {}

  static List<String> etcd(K8sBinaries binaries, Path workDir, int port, int peerPort) {
    String client = "http://127.0.0.1:" + port;
    String peer = "http://127.0.0.1:" + peerPort;
    return List.of(
        binaries.etcd().toString(),
        "--name=imagebatch-test",
        "--data-dir=" + workDir.resolve("etcd"),
        "--listen-client-urls=" + client,
        "--advertise-client-urls=" + client,
        "--listen-peer-urls=" + peer,
        "--initial-advertise-peer-urls=" + peer,
        "--initial-cluster=imagebatch-test=" + peer,
        // Test data is thrown away; fsync only makes every write slow.
        "--unsafe-no-fsync=true",
        "--log-level=warn");
  }

  static List<String> apiserver(
      K8sBinaries binaries, Path workDir, Pki pki, int etcdPort, int port) {
    return List.of(
        binaries.kubeApiserver().toString(),
        "--etcd-servers=http://127.0.0.1:" + etcdPort,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        "--secure-port=" + port,
        "--cert-dir=" + workDir.resolve("apiserver-certs"),
        "--tls-cert-file=" + pki.serverCert(),
        "--tls-private-key-file=" + pki.serverKey(),
        "--client-ca-file=" + pki.caCert(),
        "--service-account-issuer=" + ISSUER,
        "--api-audiences=" + ISSUER,
        "--service-account-key-file=" + pki.serviceAccountPublicKey(),
        "--service-account-signing-key-file=" + pki.serviceAccountKey(),
        "--service-cluster-ip-range=10.96.0.0/24",
        "--authorization-mode=RBAC",
        // PodSecurity is a default plugin; naming it makes the dependency visible.
        "--enable-admission-plugins=NamespaceLifecycle,ServiceAccount,PodSecurity",
        "--allow-privileged=true",
        // The "kubernetes" Endpoints would point at 127.0.0.1, which validation rejects.
        "--endpoint-reconciler-type=none",
        "--profiling=false");
  }

  static List<String> controllerManager(
      K8sBinaries binaries, Path workDir, Pki pki, Path kubeconfig, int port) {
    return List.of(
        binaries.kubeControllerManager().toString(),
        // The admin kubeconfig: system:masters, so no per-controller RBAC setup is needed.
        "--kubeconfig=" + kubeconfig,
        // One instance per cluster, and a lease would only delay the start.
        "--leader-elect=false",
        "--bind-address=127.0.0.1",
        "--secure-port=" + port,
        "--cert-dir=" + workDir.resolve("controller-manager-certs"),
        "--controllers=" + CONTROLLERS,
        // The default client rate (20/s, burst 30) makes a Job of thousands of pods take minutes
        // of waiting on the controller manager's own throttle; a real cluster tunes it too.
        "--kube-api-qps=200",
        "--kube-api-burst=400",
        "--root-ca-file=" + pki.caCert(),
        "--service-account-private-key-file=" + pki.serviceAccountKey());
  }
}
