package io.imagebatch.runner.run;

import io.imagebatch.api.contract.RunnerEnvironment;
import io.imagebatch.api.v1alpha1.ImageBatchSpec;
import io.imagebatch.api.v1alpha1.OutputSpec;
import io.imagebatch.api.v1alpha1.SourceSpec;
import io.imagebatch.runner.config.FieldError;
import io.imagebatch.runner.config.Glob;
import io.imagebatch.runner.config.InvalidSpecException;
import io.imagebatch.runner.config.LoadedBatch;
import io.imagebatch.runner.config.SpecValidator;
import io.imagebatch.runner.output.OutputStore;
import io.imagebatch.runner.output.S3OutputStore;
import io.imagebatch.runner.output.VolumeOutputStore;
import io.imagebatch.runner.s3.S3Clients;
import io.imagebatch.runner.source.HttpSource;
import io.imagebatch.runner.source.S3Source;
import io.imagebatch.runner.source.SourceFetcher;
import io.imagebatch.runner.source.SourceLister;
import io.imagebatch.runner.source.VolumeFetcher;
import io.imagebatch.runner.source.VolumeSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The batch's storage, opened from its spec: a source (lister + fetcher) and an output store.
 * Volumes are local directories relative to the YAML in local mode, and mounts in a pod ({@code
 * IMAGEBATCH_SOURCE_ROOT}, {@code IMAGEBATCH_OUTPUT_ROOT}).
 */
public record Storage(
    SourceLister lister, SourceFetcher fetcher, OutputStore output, Path outputVolume) {

  public static Storage open(
      LoadedBatch batch, SpecValidator.Mode mode, Map<String, String> env, Path tempDir)
      throws IOException {
    ImageBatchSpec spec = batch.spec();
    OutputSpec out = spec.output();
    OutputStore output;
    Path outputVolume = null;
    if (out.s3() != null) {
      output =
          new S3OutputStore(
              S3Clients.create(out.s3(), S3Clients.Role.OUTPUT, env),
              out.s3().bucket(),
              out.s3().prefix(),
              out.cacheControl());
    } else {
      outputVolume =
          volumeRoot(
              batch, mode, env, RunnerEnvironment.OUTPUT_ROOT, "/data/output", out.volume().path());
      VolumeOutputStore volume = new VolumeOutputStore(outputVolume);
      volume.clearStaleTemporaries();
      output = volume;
    }
    SourceSpec source = spec.source();
    Glob.Filter filter = Glob.Filter.of(source.include(), source.exclude());
    if (source.s3() != null) {
      S3Source s3 =
          new S3Source(
              S3Clients.create(source.s3(), S3Clients.Role.SOURCE, env),
              source.s3().bucket(),
              source.s3().prefix(),
              filter,
              tempDir);
      return new Storage(s3, s3, output, outputVolume);
    }
    if (source.http() != null) {
      return new Storage(
          new HttpSource(urls(source, env), filter),
          HttpFetchers.create(env, tempDir),
          output,
          outputVolume);
    }
    Path root =
        volumeRoot(
            batch,
            mode,
            env,
            RunnerEnvironment.SOURCE_ROOT,
            "/data/source",
            source.volume().path());
    return new Storage(
        new VolumeSource(root, filter, outputVolume),
        new VolumeFetcher(root),
        output,
        outputVolume);
  }

  private static Path volumeRoot(
      LoadedBatch batch,
      SpecValidator.Mode mode,
      Map<String, String> env,
      String variable,
      String mountDefault,
      String path) {
    Path base =
        mode == SpecValidator.Mode.LOCAL
            ? batch.baseDir()
            : Path.of(env.getOrDefault(variable, mountDefault));
    return base.resolve(path == null ? "" : path).toAbsolutePath().normalize();
  }

  /** Inline urls, or the urlsFrom ConfigMap key the operator mounts as a file. */
  private static List<String> urls(SourceSpec source, Map<String, String> env) throws IOException {
    if (source.http().urls() != null && !source.http().urls().isEmpty()) {
      return source.http().urls();
    }
    String file = env.get(RunnerEnvironment.HTTP_URLS_FILE);
    if (file == null || !Files.exists(Path.of(file))) {
      throw new InvalidSpecException(
          "spec",
          new FieldError(
              "spec.source.http.urlsFrom",
              "the URL list is not mounted (IMAGEBATCH_HTTP_URLS_FILE="
                  + file
                  + "); in local mode list the URLs in spec.source.http.urls"));
    }
    return Files.readAllLines(Path.of(file));
  }
}
