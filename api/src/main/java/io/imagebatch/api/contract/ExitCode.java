package io.imagebatch.api.contract;

/**
 * The runner's exit codes: the pod contract. The runner exits with them; the operator's
 * podFailurePolicy fails the Job at once on {@link #INVALID_CONFIGURATION} and counts {@link
 * #STORAGE_UNREACHABLE} against the shard's retries.
 */
public enum ExitCode {
  /** Done. Per-image failures are counted in the manifest, not fatal. */
  OK(0),
  /** Local mode: more images failed than maxFailedImages allows. */
  BATCH_FAILED(1),
  /** The command line was wrong. */
  USAGE(2),
  /** The ImageBatch spec is invalid: fail at once, retrying cannot help. */
  INVALID_CONFIGURATION(3),
  /** Storage could not be reached after retries: retry the shard. */
  STORAGE_UNREACHABLE(4);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
