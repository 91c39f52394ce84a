package io.imagebatch.e2e.controlplane;

/**
 * The binaries are not there and cannot be built here. Tests skip on it (or fail when CI=true);
 * every other startup error is a real failure.
 */
public final class ControlPlaneUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  static final String HOW_TO_ENABLE =
      "run e2e/control-plane/build.sh (needs Go) or set IMAGEBATCH_K8S_ASSETS to a directory with"
          + " etcd, kube-apiserver, kube-controller-manager and kubectl";

  ControlPlaneUnavailableException(String reason) {
    super("Real control plane unavailable: " + reason + "; to enable: " + HOW_TO_ENABLE);
  }
}
