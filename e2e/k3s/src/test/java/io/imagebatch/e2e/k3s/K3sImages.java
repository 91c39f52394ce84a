package io.imagebatch.e2e.k3s;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.MountableFile;

/**
 * Puts images into the k3s node's containerd, in the "k8s.io" namespace the kubelet reads, so pods
 * run them with no registry (imagePullPolicy Never, or IfNotPresent with a non-latest tag).
 */
record K3sImages(K3sContainer k3s) {

  private static final String CONTAINERD_SOCKET = "/run/k3s/containerd/containerd.sock";

  /** Imports a docker-archive (or OCI) tarball; the names it carries become the image names. */
  void importArchive(Path tar) {
    String inContainer = "/tmp/" + tar.getFileName();
    k3s.copyFileToContainer(MountableFile.forHostPath(tar), inContainer);
    ctr("images", "import", inContainer);
  }

  /** A second name for an image already imported: the same bytes, as a new tag. */
  void tag(String source, String target) {
    ctr("images", "tag", source, target);
  }

  private void ctr(String... args) {
    List<String> command =
        new ArrayList<>(List.of("ctr", "--address", CONTAINERD_SOCKET, "--namespace", "k8s.io"));
    command.addAll(List.of(args));
    ExecResult result;
    try {
      result = k3s.execInContainer(command.toArray(String[]::new));
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + command + " in the k3s container", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
    if (result.getExitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", command)
              + " exited with "
              + result.getExitCode()
              + ": "
              + result.getStderr()
              + result.getStdout());
    }
  }
}
