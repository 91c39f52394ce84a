package io.imagebatch.runner.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagebatch.api.contract.ExitCode;
import io.imagebatch.runner.BatchYaml;
import io.imagebatch.runner.MainAccess;
import io.imagebatch.runner.Manifests;
import io.imagebatch.runner.cluster.ChildRunner;
import io.imagebatch.vips.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loaders libvips marks untrusted (here ImageMagick's, the only one that reads a BMP) are blocked
 * unless the cluster operator's environment or the local flag allows them. Allowing needs a fresh
 * JVM: libvips is set up once per process.
 */
class UntrustedLoadersIT {
  @TempDir Path dir;
  private Path yaml;

  @BeforeEach
  void batch() {
    TestImages.write(dir.resolve("in/photo.jpg"), TestImages.jpeg(64, 48));
    TestImages.write(dir.resolve("in/only-magick.bmp"), TestImages.bmp(40, 30));
    yaml =
        BatchYaml.write(
            dir,
            """
            source: { volume: { path: in/ }, include: ["**/*.jpg", "**/*.bmp"] }
            variants:
              - { name: t, width: 32, formats: [webp] }
            output: { volume: { path: out/ } }
            execution: { maxFailedImages: 1 }
            """);
  }

  @Test
  void blockedByDefaultWithTheLoaderNamed() {
    assertThat(runInProcess(Map.of(), "run", yaml.toString())).isEqualTo(ExitCode.OK);

    assertThat(outcomes())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "photo.jpg", "succeeded",
                "only-magick.bmp",
                    "UnsupportedFormat: magickload loader blocked for untrusted input"));
  }

  @Test
  void theLocalFlagAllowsThem() throws Exception {
    assertThat(runChild(Map.of(), "run", yaml.toString(), "--allow-untrusted-loaders")).isZero();

    assertThat(outcomes()).containsEntry("only-magick.bmp", "succeeded");
    assertThat(dir.resolve("out/only-magick-t.webp")).exists();
  }

  @Test
  void theClusterOperatorsEnvironmentAllowsThem() throws Exception {
    assertThat(
            runChild(Map.of("IMAGEBATCH_ALLOW_UNTRUSTED_LOADERS", "true"), "run", yaml.toString()))
        .isZero();

    assertThat(outcomes()).containsEntry("only-magick.bmp", "succeeded");
  }

  @Test
  void anythingButTrueOrFalseIsAConfigurationError() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode exit =
        MainAccess.run(
            new String[] {"run", yaml.toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("IMAGEBATCH_ALLOW_UNTRUSTED_LOADERS", "yes"));

    assertThat(exit).isEqualTo(ExitCode.INVALID_CONFIGURATION);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("IMAGEBATCH_ALLOW_UNTRUSTED_LOADERS: must be true or false, not yes");
  }

  @Test
  void aBatchInAClusterCannotAskForThemOnTheCommandLine() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode exit =
        MainAccess.run(
            new String[] {"process", "--spec", yaml.toString(), "--allow-untrusted-loaders"},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("JOB_COMPLETION_INDEX", "0"));

    assertThat(exit).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(
            "--allow-untrusted-loaders is for local runs; in a cluster the operator sets"
                + " IMAGEBATCH_ALLOW_UNTRUSTED_LOADERS");
  }

  private static ExitCode runInProcess(Map<String, String> env, String... args) {
    return MainAccess.run(
        args,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        env);
  }

  private int runChild(Map<String, String> extraEnv, String... args) throws Exception {
    Map<String, String> env = new TreeMap<>(extraEnv);
    env.put("IMAGEBATCH_LOG_FORMAT", "json");
    Path log = dir.resolve("child.log");
    Process child = ChildRunner.start(List.of(), List.of(args), env, log);
    assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(child.exitValue()).as(Files.readString(log)).isZero();
    return child.exitValue();
  }

  private Map<String, String> outcomes() {
    return Manifests.local(dir).stream()
        .collect(Collectors.toMap(l -> l.get("source").asText(), Manifests::outcome));
  }
}
