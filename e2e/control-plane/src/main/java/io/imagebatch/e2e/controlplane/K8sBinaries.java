package io.imagebatch.e2e.controlplane;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A directory holding the control-plane binaries: what build.sh produces, or envtest-style assets
 * named by {@code IMAGEBATCH_K8S_ASSETS}.
 */
public record K8sBinaries(Path dir) {

  /**
   * The binaries without which nothing starts. The controller manager is optional because envtest
   * assets lack it; tests marked {@link RequiresControllerManager} then skip.
   */
  static final List<String> REQUIRED = List.of("etcd", "kube-apiserver", "kubectl");

  public Path etcd() {
    return dir.resolve("etcd");
  }

  public Path kubeApiserver() {
    return dir.resolve("kube-apiserver");
  }

  public Path kubeControllerManager() {
    return dir.resolve("kube-controller-manager");
  }

  public Path kubectl() {
    return dir.resolve("kubectl");
  }

  /** Names of the required binaries that are absent or not executable. */
  List<String> missing() {
    return REQUIRED.stream().filter(name -> !Files.isExecutable(dir.resolve(name))).toList();
  }

  public boolean hasControllerManager() {
    return Files.isExecutable(kubeControllerManager());
  }
}
