package io.imagebatch.runner.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagebatch.api.contract.ExitCode;
import io.imagebatch.api.contract.PlanSummary;
import io.imagebatch.api.contract.TerminationMessage;
import io.imagebatch.runner.BatchYaml;
import io.imagebatch.runner.MainAccess;
import io.imagebatch.runner.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The termination message is the last thing a command writes. Where it cannot be written (outside a
 * pod), the work is done all the same: a warning, and the work's exit code.
 */
class TerminationMessageFileTest {
  private static final PlanSummary PLAN = new PlanSummary(3, 1, 200, "/data/output/_imagebatch/");

  @TempDir Path dir;

  @AfterEach
  void restoreLog() {
    Log.set(Log.fromEnvironment(System.getenv()));
  }

  @Test
  void writesTheContractsJson() throws Exception {
    Path file = dir.resolve("termination-log");

    assertThat(TerminationMessageFile.write(PLAN, file)).isTrue();

    assertThat(Files.readString(file)).isEqualTo(TerminationMessage.encode(PLAN));
  }

  @Test
  void anUnwritablePathIsAWarning() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Log.set(
        new Log(
            Log.Format.JSON,
            System.Logger.Level.INFO,
            new PrintStream(out, true, StandardCharsets.UTF_8)));
    Path file = dir.resolve("no-such-dir/termination-log");

    assertThat(TerminationMessageFile.write(PLAN, file)).isFalse();

    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("\"level\":\"WARNING\"")
        .contains("\"msg\":\"termination message not written; the exit code stays the work's\"")
        .contains("\"path\":\"" + file + "\"")
        .contains("NoSuchFileException");
  }

  /** Before the fix, the plan was written and then the runner exited 4 (storage unreachable). */
  @Test
  void planKeepsExitCodeZeroWhenTheMessageCannotBeWritten() throws Exception {
    Files.createDirectories(dir.resolve("volumes/source/in"));
    Files.write(dir.resolve("volumes/source/in/a.jpg"), new byte[] {1});
    Path spec =
        BatchYaml.write(
            dir,
            """
            source: { volume: { claimName: photos, path: in/ } }
            variants:
              - { name: small, width: 24, formats: [webp] }
            output: { volume: { claimName: derived, path: out/ } }
            """);
    Map<String, String> env =
        Map.of(
            "IMAGEBATCH_SOURCE_ROOT", dir.resolve("volumes/source").toString(),
            "IMAGEBATCH_OUTPUT_ROOT", dir.resolve("volumes/output").toString(),
            "IMAGEBATCH_TERMINATION_MESSAGE_PATH",
                dir.resolve("no-such-dir/termination-log").toString(),
            "TMPDIR", Files.createDirectories(dir.resolve("tmp")).toString(),
            "IMAGEBATCH_LOG_FORMAT", "json");
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    ExitCode exit =
        MainAccess.run(
            new String[] {"plan", "--spec", spec.toString()},
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env);

    assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(ExitCode.OK);
    assertThat(dir.resolve("volumes/output/out/_imagebatch/test/local/plan")).isDirectory();
  }
}
