package io.imagebatch.runner.config;

import io.imagebatch.api.contract.FailureBudget;
import io.imagebatch.api.contract.SchemaBounds;
import io.imagebatch.api.v1alpha1.ExecutionSpec;
import io.imagebatch.api.v1alpha1.Fit;
import io.imagebatch.api.v1alpha1.Format;
import io.imagebatch.api.v1alpha1.ImageBatchSpec;
import io.imagebatch.api.v1alpha1.LimitsSpec;
import io.imagebatch.api.v1alpha1.OutputSpec;
import io.imagebatch.api.v1alpha1.SourceSpec;
import io.imagebatch.api.v1alpha1.Variant;
import io.imagebatch.api.v1alpha1.VolumeLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The same rules the CRD's schema and CEL rules enforce in a cluster, for runs that never meet an
 * API server, plus what only the runner can check (local directories). Numeric bounds come from the
 * model's own annotations ({@link SchemaBounds}), the failure budget from {@link FailureBudget}.
 */
public final class SpecValidator {
  public enum Mode {
    /** `imagebatch run`: volumes are local directories. */
    LOCAL,
    /** Inside a pod: volumes are mounted by the operator. */
    CLUSTER
  }

  private final Mode mode;

  public SpecValidator(Mode mode) {
    this.mode = mode;
  }

  public List<FieldError> validate(LoadedBatch batch) {
    ImageBatchSpec spec = batch.spec();
    List<FieldError> errors = new ArrayList<>();
    source(spec.source(), batch.baseDir(), errors);
    variants(spec.variants(), errors);
    output(spec.output(), errors);
    limits(spec.limits(), errors);
    execution(spec.execution(), errors);
    for (SchemaBounds.Violation violation : SchemaBounds.check(spec, "spec")) {
      errors.add(new FieldError(violation.field(), violation.message()));
    }
    return errors;
  }

  private void source(SourceSpec source, Path baseDir, List<FieldError> errors) {
    if (source == null) {
      errors.add(new FieldError("spec.source", "required"));
      return;
    }
    exactlyOne(
        "spec.source",
        errors,
        "s3",
        source.s3() != null,
        "http",
        source.http() != null,
        "volume",
        source.volume() != null);
    if (source.http() != null) {
      boolean urls = source.http().urls() != null && !source.http().urls().isEmpty();
      boolean from = source.http().urlsFrom() != null;
      if (urls == from) {
        errors.add(new FieldError("spec.source.http", "set exactly one of urls or urlsFrom"));
      }
    }
    if (source.s3() != null && blank(source.s3().bucket())) {
      errors.add(new FieldError("spec.source.s3.bucket", "required"));
    }
    if (source.volume() != null) {
      volume("spec.source.volume", source.volume(), baseDir, true, errors);
    }
    globs("spec.source.include", source.include(), errors);
    globs("spec.source.exclude", source.exclude(), errors);
    if (source.include() == null || source.include().isEmpty()) {
      errors.add(new FieldError("spec.source.include", "must list at least one glob"));
    }
  }

  private void variants(List<Variant> variants, List<FieldError> errors) {
    if (variants == null || variants.isEmpty()) {
      errors.add(new FieldError("spec.variants", "must list at least one variant"));
      return;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < variants.size(); i++) {
      Variant v = variants.get(i);
      String at = "spec.variants[" + i + "]";
      if (blank(v.name())) {
        errors.add(new FieldError(at + ".name", "required"));
      } else if (!v.name().matches(Variant.NAME_PATTERN)
          || v.name().length() > Variant.MAX_NAME_LENGTH) {
        errors.add(
            new FieldError(
                at + ".name",
                "\"" + v.name() + "\" must be a DNS label: lowercase letters, digits and '-'"));
      } else if (!names.add(v.name())) {
        errors.add(new FieldError(at + ".name", "duplicate variant name \"" + v.name() + "\""));
      }
      if (v.width() == null && v.height() == null) {
        errors.add(new FieldError(at, "set width, height or both"));
      }
      if (v.fit() != Fit.INSIDE && (v.width() == null || v.height() == null)) {
        errors.add(
            new FieldError(
                at + ".fit",
                v.fit().name().toLowerCase(java.util.Locale.ROOT)
                    + " needs both width and height"));
      }
      if (v.formats() == null || v.formats().isEmpty()) {
        errors.add(new FieldError(at + ".formats", "must list at least one format"));
      } else if (new HashSet<>(v.formats()).size() != v.formats().size()) {
        errors.add(new FieldError(at + ".formats", "lists a format twice"));
      } else if (v.formats().contains(null)) {
        errors.add(new FieldError(at + ".formats", "must not contain null"));
      }
    }
  }

  private void output(OutputSpec output, List<FieldError> errors) {
    if (output == null) {
      errors.add(new FieldError("spec.output", "required"));
      return;
    }
    exactlyOne("spec.output", errors, "s3", output.s3() != null, "volume", output.volume() != null);
    if (output.s3() != null && blank(output.s3().bucket())) {
      errors.add(new FieldError("spec.output.s3.bucket", "required"));
    }
    if (output.volume() != null) {
      volume("spec.output.volume", output.volume(), null, false, errors);
    }
    for (String problem : PathTemplate.problems(output.pathTemplate())) {
      errors.add(new FieldError("spec.output.pathTemplate", problem));
    }
  }

  private static void limits(LimitsSpec limits, List<FieldError> errors) {
    try {
      if (Quantities.bytes(limits.maxInputBytes()) < 1) {
        errors.add(new FieldError("spec.limits.maxInputBytes", "must be at least 1 byte"));
      }
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError("spec.limits.maxInputBytes", e.getMessage()));
    }
  }

  private static void execution(ExecutionSpec execution, List<FieldError> errors) {
    try {
      FailureBudget.parse(execution.maxFailedImages());
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError("spec.execution.maxFailedImages", e.getMessage()));
    }
  }

  private void volume(
      String field,
      VolumeLocation volume,
      Path baseDir,
      boolean mustExist,
      List<FieldError> errors) {
    if (mode == Mode.LOCAL && volume.claimName() != null) {
      errors.add(
          new FieldError(
              field + ".claimName",
              "local mode reads local directories: remove claimName, or run the batch in a"
                  + " cluster"));
      return;
    }
    if (mode == Mode.CLUSTER && blank(volume.claimName())) {
      errors.add(new FieldError(field + ".claimName", "required in a cluster"));
    }
    if (mode == Mode.LOCAL && mustExist && baseDir != null) {
      Path dir = baseDir.resolve(volume.path()).normalize();
      if (!Files.isDirectory(dir)) {
        errors.add(new FieldError(field + ".path", "directory " + dir + " does not exist"));
      }
    }
  }

  private static void globs(String field, List<String> globs, List<FieldError> errors) {
    if (globs == null) {
      return;
    }
    for (int i = 0; i < globs.size(); i++) {
      try {
        if (blank(globs.get(i))) {
          errors.add(new FieldError(field + "[" + i + "]", "must not be empty"));
        } else {
          Glob.compile(globs.get(i));
        }
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError(field + "[" + i + "]", e.getMessage()));
      }
    }
  }

  private static void exactlyOne(String field, List<FieldError> errors, Object... namesAndSet) {
    List<String> all = new ArrayList<>();
    List<String> set = new ArrayList<>();
    for (int i = 0; i < namesAndSet.length; i += 2) {
      all.add((String) namesAndSet[i]);
      if ((Boolean) namesAndSet[i + 1]) {
        set.add((String) namesAndSet[i]);
      }
    }
    if (set.size() != 1) {
      errors.add(
          new FieldError(
              field,
              "set exactly one of "
                  + String.join(", ", all)
                  + (set.isEmpty()
                      ? " (none is set)"
                      : " (found " + String.join(" and ", set) + ")")));
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /**
   * The formats asked for must be ones this libvips build writes (AVIF needs libheif with an AV1
   * encoder): checked before any image, so a batch never half-runs.
   */
  public static void requireSavers(LoadedBatch batch, java.util.Set<String> savers) {
    List<FieldError> errors = new ArrayList<>();
    List<Variant> variants = batch.spec().variants();
    for (int i = 0; i < variants.size(); i++) {
      for (Format format : variants.get(i).formats()) {
        if (!savers.contains(format.name())) {
          errors.add(
              new FieldError(
                  "spec.variants[" + i + "].formats",
                  format.yamlName()
                      + " cannot be written by this libvips build (it writes "
                      + savers.stream().sorted().map(String::toLowerCase).toList()
                      + ")"));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidSpecException(batch.name(), errors);
    }
  }
}
