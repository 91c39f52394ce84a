package io.imagebatch.e2e.controlplane.node;

/**
 * How a pod's (first) container ended, written as {@code state.terminated} the way a kubelet would:
 * exit code, reason and termination message.
 */
public record Outcome(int exitCode, String reason, String message) {

  /** The exit code the kubelet reports for a container the kernel killed for memory (128+9). */
  public static final int OOM_EXIT_CODE = 137;

  public static Outcome succeeded() {
    return new Outcome(0, "Completed", "");
  }

  public static Outcome succeeded(String message) {
    return new Outcome(0, "Completed", message);
  }

  public static Outcome failed(int exitCode) {
    return failed(exitCode, "");
  }

  public static Outcome failed(int exitCode, String message) {
    if (exitCode == 0) {
      throw new IllegalArgumentException("a failure needs a non-zero exit code");
    }
    return new Outcome(exitCode, "Error", message);
  }

  public static Outcome oomKilled() {
    return new Outcome(OOM_EXIT_CODE, "OOMKilled", "");
  }

  /** The pod phase this outcome leads to (restartPolicy Never, as Jobs with these policies use). */
  public String phase() {
    return exitCode == 0 ? "Succeeded" : "Failed";
  }
}
