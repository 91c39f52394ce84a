package io.imagebatch.e2e.controlplane.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodSandboxTest {

  @TempDir Path scratch;

  @Test
  void rewritesMountPathsOnlyWhereAPathStarts() throws Exception {
    PodSandbox sandbox = sandbox();
    Path data = scratch.resolve("volumes/data");
    Path deep = scratch.resolve("volumes/deep");

    assertThat(sandbox.rewrite("--in=/data/a.jpg")).isEqualTo("--in=" + data + "/a.jpg");
    assertThat(sandbox.rewrite("/data")).isEqualTo(data.toString());
    assertThat(sandbox.rewrite("/database/x")).isEqualTo("/database/x");
    assertThat(sandbox.rewrite("/other/data/x")).isEqualTo("/other/data/x");
    assertThat(sandbox.rewrite("/data/deep/x")).isEqualTo(deep + "/x");
    assertThat(sandbox.rewrite("echo 1 > /dev/termination-log"))
        .isEqualTo("echo 1 > " + scratch.resolve("termination-log"));
  }

  @Test
  void exportsTheMappingLongestPathFirst() throws Exception {
    assertThat(sandbox().pathMap())
        .startsWith("/dev/termination-log=")
        .contains(";/data/deep=" + scratch.resolve("volumes/deep"))
        .endsWith(";/data=" + scratch.resolve("volumes/data"));
    assertThat(Files.isDirectory(scratch.resolve("volumes/data"))).isTrue();
  }

  private PodSandbox sandbox() throws Exception {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .withNamespace("ns")
            .endMetadata()
            .withNewSpec()
            .addNewVolume()
            .withName("data")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .addNewVolume()
            .withName("deep")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .addNewContainer()
            .withName("main")
            .addNewVolumeMount()
            .withName("data")
            .withMountPath("/data/")
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("deep")
            .withMountPath("/data/deep")
            .endVolumeMount()
            .endContainer()
            .endSpec()
            .build();
    Container container = pod.getSpec().getContainers().getFirst();
    // No ConfigMap or Secret volumes, so no client is needed.
    return PodSandbox.prepare(new RunningPod(pod, null, scratch), container);
  }
}
