package io.imagebatch.e2e.controlplane;

/** What one kubectl run printed and returned. */
public record KubectlResult(int exitCode, String stdout, String stderr) {

  public boolean succeeded() {
    return exitCode == 0;
  }

  /** The standard output, or an exception carrying stderr when kubectl failed. */
  public String orThrow() {
    if (!succeeded()) {
      throw new IllegalStateException("kubectl exited with " + exitCode + ": " + stderr.strip());
    }
    return stdout;
  }
}
