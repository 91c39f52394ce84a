package io.imagebatch.api.contract;

/**
 * The environment variables of a runner pod: what the operator sets and the runner reads. Only the
 * cluster operator's settings and the operator itself fill them; nothing in an ImageBatch's spec
 * does (a batch author cannot widen the SSRF guard, say).
 */
public final class RunnerEnvironment {
  /** {@code json} in pods: one JSON object per log line. */
  public static final String LOG_FORMAT = "IMAGEBATCH_LOG_FORMAT";

  /** Where the summary for the operator goes; default {@code /dev/termination-log}. */
  public static final String TERMINATION_MESSAGE_PATH = "IMAGEBATCH_TERMINATION_MESSAGE_PATH";

  /** The emptyDir for downloads. */
  public static final String TMPDIR = "TMPDIR";

  /** Where the source and output PersistentVolumeClaims are mounted. */
  public static final String SOURCE_ROOT = "IMAGEBATCH_SOURCE_ROOT";

  public static final String OUTPUT_ROOT = "IMAGEBATCH_OUTPUT_ROOT";

  /** The container's memory limit (a resourceFieldRef), when the cgroup does not tell. */
  public static final String MEMORY_LIMIT = "IMAGEBATCH_MEMORY_LIMIT";

  /** The mounted {@code source.http.urlsFrom} ConfigMap key: one URL per line. */
  public static final String HTTP_URLS_FILE = "IMAGEBATCH_HTTP_URLS_FILE";

  /** Hosts, addresses and networks the SSRF guard lets through, comma-separated. */
  public static final String HTTP_ALLOW_HOSTS = "IMAGEBATCH_HTTP_ALLOW_HOSTS";

  /**
   * {@code true} lets the loaders libvips marks untrusted (ImageMagick, PDF, SVG, ...) read
   * sources; unset or {@code false} blocks them. The cluster operator's setting, never the batch's.
   */
  public static final String ALLOW_UNTRUSTED_LOADERS = "IMAGEBATCH_ALLOW_UNTRUSTED_LOADERS";

  /** {@code false} runs the runner in one process, without crash isolation; default on. */
  public static final String CRASH_ISOLATION = "IMAGEBATCH_CRASH_ISOLATION";

  private RunnerEnvironment() {}
}
