package io.imagebatch.runner.run;

import io.imagebatch.api.contract.RunnerSummary;
import io.imagebatch.api.contract.TerminationMessage;
import io.imagebatch.runner.log.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the pod's summary for the operator to IMAGEBATCH_TERMINATION_MESSAGE_PATH (default
 * /dev/termination-log), in the contract's JSON ({@link TerminationMessage}).
 */
public final class TerminationMessageFile {
  private TerminationMessageFile() {}

  /**
   * Writes {@code summary} to {@code file}. The work is done by now, so a file that cannot be
   * written (outside a pod, a path nobody created) is a warning: the exit code stays the work's. In
   * a pod the kubelet provides the file, and an unwritten summary shows in status as one that could
   * not be read.
   *
   * @return whether the file was written
   */
  public static boolean write(RunnerSummary summary, Path file) {
    String text = TerminationMessage.encode(summary);
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
      return true;
    } catch (IOException e) {
      Log.warn(
          "termination message not written; the exit code stays the work's",
          "path",
          file.toString(),
          "error",
          e.toString());
      return false;
    }
  }
}
