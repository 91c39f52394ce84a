package io.imagebatch.runner.pipeline;

/** Why one source image failed; machine-readable, in the manifest and the batch status. */
public enum FailureReason {
  /** width*height*pages is over limits.maxInputPixels (read from the header, nothing decoded). */
  InputTooLarge,
  /** The source is over limits.maxInputBytes. */
  InputTooManyBytes,
  /** The source has no bytes. */
  EmptyInput,
  /** No libvips loader recognises the bytes. */
  UnsupportedFormat,
  /** A loader recognised the format but the data is corrupt or truncated (see limits.failOn). */
  CorruptInput,
  /** The source could not be read (e.g. HTTP 404, or a 5xx after retries). */
  ReadFailed,
  /** The source's address is not allowed (the SSRF guard: loopback, private, link-local...). */
  SourceRefused,
  /** An encoder failed. */
  EncodeFailed,
  /** A variant could not be written. */
  WriteFailed,
  /** An unexpected exception while handling this source (a runner bug); the run goes on. */
  InternalError,
  /**
   * The process handling this source died (SIGSEGV, SIGABRT, an OOM kill) twice, the second time
   * with no other source in flight; the source is quarantined and the run goes on.
   */
  ProcessCrashed
}
