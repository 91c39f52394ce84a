package io.imagebatch.runner.memory;

import io.fabric8.kubernetes.api.model.Quantity;
import io.imagebatch.api.contract.RunnerEnvironment;
import io.imagebatch.runner.config.Quantities;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * How much memory this process may use, and where that number comes from.
 *
 * <p>In order: {@value #ENV} (bytes, or a Kubernetes quantity such as {@code 1536Mi}); the cgroup
 * v2 {@code memory.max} of this process's cgroup (the pod's memory limit); the cgroup v1 {@code
 * memory.limit_in_bytes} of its memory cgroup; the machine's physical memory. For a cgroup, every
 * ancestor up to the mount point counts: the smallest limit wins.
 *
 * @param bytes the limit
 * @param source where it came from
 */
public record MemoryLimit(long bytes, Source source) {
  public static final String ENV = RunnerEnvironment.MEMORY_LIMIT;

  /** cgroup v1 reports "no limit" as a page-rounded Long.MAX_VALUE; anything this big is none. */
  private static final long V1_UNLIMITED = 1L << 62;

  public enum Source {
    ENVIRONMENT,
    CGROUP_V2,
    CGROUP_V1,
    PHYSICAL
  }

  /** Detects the limit of the running process. */
  public static MemoryLimit detect() {
    return detect(Path.of("/"), System.getenv(), MemoryLimit::physicalFromMxBean);
  }

  /**
   * Detection over a file system root ({@code /} in production; a fake {@code proc}/{@code sys}
   * tree in tests).
   *
   * @param physical the machine's memory, when {@code /proc/meminfo} cannot tell
   * @throws IllegalArgumentException when {@value #ENV} is set but is no byte quantity
   */
  public static MemoryLimit detect(Path root, Map<String, String> env, LongSupplier physical) {
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new MemoryLimit(parse(fromEnv.strip()), Source.ENVIRONMENT);
    }
    List<String> cgroups = lines(root.resolve("proc/self/cgroup"));
    List<String> mounts = lines(root.resolve("proc/self/mountinfo"));
    OptionalLong v2 = cgroupV2(root, cgroups, mounts);
    if (v2.isPresent()) {
      return new MemoryLimit(v2.getAsLong(), Source.CGROUP_V2);
    }
    OptionalLong v1 = cgroupV1(root, cgroups, mounts);
    if (v1.isPresent()) {
      return new MemoryLimit(v1.getAsLong(), Source.CGROUP_V1);
    }
    OptionalLong meminfo = memTotal(root.resolve("proc/meminfo"));
    return new MemoryLimit(
        meminfo.isPresent() ? meminfo.getAsLong() : physical.getAsLong(), Source.PHYSICAL);
  }

  /** For logs: {@code 1073741824 bytes (1024 MiB, cgroup v1)}. */
  public String describe() {
    String from =
        switch (source) {
          case ENVIRONMENT -> ENV;
          case CGROUP_V2 -> "cgroup v2";
          case CGROUP_V1 -> "cgroup v1";
          case PHYSICAL -> "physical memory";
        };
    return bytes + " bytes (" + (bytes >> 20) + " MiB, " + from + ")";
  }

  private static long parse(String value) {
    try {
      long bytes =
          value.chars().allMatch(Character::isDigit)
              ? Long.parseLong(value)
              : Quantities.bytes(new Quantity(value));
      if (bytes <= 0) {
        throw new IllegalArgumentException();
      }
      return bytes;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          ENV + ": \"" + value + "\" is not a positive byte count or quantity such as 2Gi");
    }
  }

  // --- cgroup v2: "0::/kubepods/pod…/…" and memory.max ("max" or bytes) ---

  private static OptionalLong cgroupV2(Path root, List<String> cgroups, List<String> mounts) {
    Optional<String> path =
        cgroups.stream().filter(l -> l.startsWith("0::")).map(l -> l.substring(3)).findFirst();
    if (path.isEmpty()) {
      return OptionalLong.empty();
    }
    Mount mount =
        mounts.stream()
            .map(Mount::parse)
            .flatMap(Optional::stream)
            .filter(m -> m.type().equals("cgroup2"))
            .findFirst()
            .orElse(new Mount("/", "/sys/fs/cgroup", "cgroup2", ""));
    return smallest(root, mount, path.get(), "memory.max");
  }

  // --- cgroup v1: "4:memory:/docker/…" and memory.limit_in_bytes ---

  private static OptionalLong cgroupV1(Path root, List<String> cgroups, List<String> mounts) {
    Optional<String> path =
        cgroups.stream()
            .map(l -> l.split(":", 3))
            .filter(f -> f.length == 3 && List.of(f[1].split(",")).contains("memory"))
            .map(f -> f[2])
            .findFirst();
    if (path.isEmpty()) {
      return OptionalLong.empty();
    }
    Mount mount =
        mounts.stream()
            .map(Mount::parse)
            .flatMap(Optional::stream)
            .filter(m -> m.type().equals("cgroup") && m.hasOption("memory"))
            .findFirst()
            .orElse(new Mount("/", "/sys/fs/cgroup/memory", "cgroup", "memory"));
    return smallest(root, mount, path.get(), "memory.limit_in_bytes");
  }

  /**
   * The smallest limit in {@code file} from the process's cgroup directory up to the mount point;
   * empty when no level has the file (no such controller) or none sets a limit ("max").
   */
  private static OptionalLong smallest(Path root, Mount mount, String cgroupPath, String file) {
    Path mountPoint = root.resolve(mount.point().substring(1));
    // Inside a container the mount's root is the container's own cgroup: strip it.
    String relative = cgroupPath;
    if (!mount.root().equals("/")) {
      relative =
          cgroupPath.equals(mount.root()) || cgroupPath.startsWith(mount.root() + "/")
              ? cgroupPath.substring(mount.root().length())
              : "/";
    }
    Path dir = mountPoint.resolve(relative.replaceFirst("^/+", ""));
    if (!Files.isDirectory(dir)) {
      dir = mountPoint; // a namespaced path that does not map: the mount is our own cgroup
    }
    long limit = Long.MAX_VALUE;
    for (Path level = dir;
        level != null && level.startsWith(mountPoint);
        level = level.getParent()) {
      Path values = level.resolve(file);
      if (!Files.isReadable(values)) {
        continue;
      }
      OptionalLong value = readLimit(values);
      if (value.isPresent()) {
        limit = Math.min(limit, value.getAsLong());
      }
    }
    return limit != Long.MAX_VALUE ? OptionalLong.of(limit) : OptionalLong.empty();
  }

  private static OptionalLong readLimit(Path file) {
    try {
      String value = Files.readString(file).strip();
      if (value.equals("max") || value.isEmpty()) {
        return OptionalLong.empty();
      }
      long bytes = Long.parseLong(value);
      return bytes <= 0 || bytes >= V1_UNLIMITED ? OptionalLong.empty() : OptionalLong.of(bytes);
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private static OptionalLong memTotal(Path meminfo) {
    for (String line : lines(meminfo)) {
      if (line.startsWith("MemTotal:")) {
        String[] f = line.substring(9).strip().split("\\s+");
        try {
          long value = Long.parseLong(f[0]);
          return OptionalLong.of(
              f.length > 1 && f[1].equalsIgnoreCase("kB") ? value * 1024 : value);
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }

  private static long physicalFromMxBean() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of();
    }
  }

  /** One /proc/self/mountinfo line: "36 25 0:32 /root /mount/point rw - type source options". */
  private record Mount(String root, String point, String type, String options) {
    static Optional<Mount> parse(String line) {
      String[] halves = line.split(" - ", 2);
      if (halves.length != 2) {
        return Optional.empty();
      }
      String[] left = halves[0].split(" ");
      String[] right = halves[1].split(" ");
      if (left.length < 5 || right.length < 3) {
        return Optional.empty();
      }
      return Optional.of(new Mount(left[3], left[4], right[0], right[2]));
    }

    boolean hasOption(String option) {
      return List.of(options.split(",")).contains(option);
    }
  }
}
