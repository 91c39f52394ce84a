package io.imagebatch.runner.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imagebatch.runner.memory.MemoryLimit.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** detect() over fake /proc and /sys trees. */
class MemoryLimitTest {
  private static final long GIB = 1L << 30;
  private static final long PHYSICAL = 7 * GIB;

  @TempDir Path root;

  private MemoryLimit detect(Map<String, String> env) {
    return MemoryLimit.detect(root, env, () -> PHYSICAL);
  }

  private MemoryLimit detect() {
    return detect(Map.of());
  }

  private void write(String path, String content) throws IOException {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private static final String V2_MOUNTINFO =
      "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2"
          + " rw,nsdelegate\n";

  private static final String V1_MOUNTINFO =
      """
      31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
      32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
      35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
      41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
      """;

  @Test
  void theEnvironmentWinsInBytesOrAsAQuantity() throws IOException {
    write("proc/self/cgroup", "0::/pod\n");
    write("sys/fs/cgroup/pod/memory.max", "1073741824\n");

    assertThat(detect(Map.of("IMAGEBATCH_MEMORY_LIMIT", "123456789")))
        .isEqualTo(new MemoryLimit(123456789, Source.ENVIRONMENT));
    assertThat(detect(Map.of("IMAGEBATCH_MEMORY_LIMIT", "1536Mi")))
        .isEqualTo(new MemoryLimit(1536L << 20, Source.ENVIRONMENT));
    assertThat(detect(Map.of("IMAGEBATCH_MEMORY_LIMIT", "2G")))
        .isEqualTo(new MemoryLimit(2_000_000_000L, Source.ENVIRONMENT));
    assertThat(detect(Map.of("IMAGEBATCH_MEMORY_LIMIT", " ")).source()).isEqualTo(Source.CGROUP_V2);
  }

  @Test
  void aMalformedEnvironmentValueIsNamed() {
    assertThatThrownBy(() -> detect(Map.of("IMAGEBATCH_MEMORY_LIMIT", "lots")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "IMAGEBATCH_MEMORY_LIMIT: \"lots\" is not a positive byte count or quantity such as"
                + " 2Gi");
    assertThatThrownBy(() -> detect(Map.of("IMAGEBATCH_MEMORY_LIMIT", "0")))
        .hasMessage(
            "IMAGEBATCH_MEMORY_LIMIT: \"0\" is not a positive byte count or quantity such as 2Gi");
  }

  @Test
  void cgroupV2ReadsMemoryMaxOfTheProcessCgroup() throws IOException {
    write("proc/self/cgroup", "0::/kubepods/pod1/ctr\n");
    write("proc/self/mountinfo", V2_MOUNTINFO);
    write("sys/fs/cgroup/kubepods/pod1/ctr/memory.max", "2147483648\n");
    write("sys/fs/cgroup/kubepods/pod1/memory.max", "max\n");
    write("sys/fs/cgroup/kubepods/memory.max", "max\n");

    assertThat(detect()).isEqualTo(new MemoryLimit(2 * GIB, Source.CGROUP_V2));
  }

  @Test
  void cgroupV2TakesTheSmallestLimitUpTheHierarchy() throws IOException {
    write("proc/self/cgroup", "0::/kubepods/pod1/ctr\n");
    write("proc/self/mountinfo", V2_MOUNTINFO);
    write("sys/fs/cgroup/kubepods/pod1/ctr/memory.max", "max\n");
    write("sys/fs/cgroup/kubepods/pod1/memory.max", "1073741824\n");

    assertThat(detect()).isEqualTo(new MemoryLimit(GIB, Source.CGROUP_V2));
  }

  @Test
  void cgroupV2InsideANamespaceReadsTheMountItself() throws IOException {
    // With a cgroup namespace the process sees "0::/" and its own cgroup mounted at the root.
    write("proc/self/cgroup", "0::/\n");
    write("proc/self/mountinfo", V2_MOUNTINFO);
    write("sys/fs/cgroup/memory.max", "536870912\n");

    assertThat(detect()).isEqualTo(new MemoryLimit(512L << 20, Source.CGROUP_V2));
  }

  @Test
  void cgroupV2WithoutALimitFallsBackToPhysicalMemory() throws IOException {
    write("proc/self/cgroup", "0::/user.slice\n");
    write("proc/self/mountinfo", V2_MOUNTINFO);
    write("sys/fs/cgroup/user.slice/memory.max", "max\n");
    write("proc/meminfo", "MemTotal:       24684000 kB\nMemFree:        1000 kB\n");

    assertThat(detect()).isEqualTo(new MemoryLimit(24684000L * 1024, Source.PHYSICAL));
  }

  @Test
  void cgroupV1ReadsTheMemoryControllersLimit() throws IOException {
    write(
        "proc/self/cgroup",
        """
        9:name=systemd:/
        4:memory:/process_api/abc/job
        1:cpu,cpuacct:/
        0::/
        """);
    write("proc/self/mountinfo", V1_MOUNTINFO);
    write("sys/fs/cgroup/memory/process_api/abc/job/memory.limit_in_bytes", "1073741824\n");
    write("sys/fs/cgroup/memory/process_api/abc/memory.limit_in_bytes", "9223372036854771712\n");
    write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
    // The hybrid layout's cgroup2 mount has no memory controller: no memory.max anywhere.
    Files.createDirectories(root.resolve("sys/fs/cgroup/unified"));

    assertThat(detect()).isEqualTo(new MemoryLimit(GIB, Source.CGROUP_V1));
  }

  @Test
  void cgroupV1InsideAContainerStripsTheMountRoot() throws IOException {
    write("proc/self/cgroup", "5:memory:/docker/0123abcd\n");
    write(
        "proc/self/mountinfo",
        "40 31 0:33 /docker/0123abcd /sys/fs/cgroup/memory ro,relatime - cgroup cgroup"
            + " rw,memory\n");
    write("sys/fs/cgroup/memory/memory.limit_in_bytes", "805306368\n");

    assertThat(detect()).isEqualTo(new MemoryLimit(768L << 20, Source.CGROUP_V1));
  }

  @Test
  void cgroupV1HugeValuesMeanNoLimit() throws IOException {
    write("proc/self/cgroup", "4:memory:/\n");
    write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");

    assertThat(detect()).isEqualTo(new MemoryLimit(PHYSICAL, Source.PHYSICAL));
  }

  @Test
  void withoutMountinfoTheDefaultMountPointsAreUsed() throws IOException {
    write("proc/self/cgroup", "4:memory:/job\n");
    write("sys/fs/cgroup/memory/job/memory.limit_in_bytes", "3221225472\n");

    assertThat(detect()).isEqualTo(new MemoryLimit(3 * GIB, Source.CGROUP_V1));
  }

  @Test
  void nothingAtAllMeansPhysicalMemory() {
    assertThat(detect()).isEqualTo(new MemoryLimit(PHYSICAL, Source.PHYSICAL));
    assertThat(detect().describe()).isEqualTo(PHYSICAL + " bytes (7168 MiB, physical memory)");
  }

  @Test
  void theRealMachineHasALimit() {
    MemoryLimit limit = MemoryLimit.detect();
    assertThat(limit.bytes()).isPositive();
  }
}
