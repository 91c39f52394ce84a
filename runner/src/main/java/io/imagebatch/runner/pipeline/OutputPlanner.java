package io.imagebatch.runner.pipeline;

import io.imagebatch.api.v1alpha1.Fit;
import io.imagebatch.api.v1alpha1.ImageBatchSpec;
import io.imagebatch.api.v1alpha1.Overwrite;
import io.imagebatch.api.v1alpha1.Variant;
import io.imagebatch.runner.config.PathTemplate;
import io.imagebatch.runner.output.OutputStore;
import io.imagebatch.runner.output.StorageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 1 of a source: which files its variants become, where, with which fingerprint, and which of
 * them are already current (overwrite: IfChanged / Never / Always), decided without decoding.
 */
final class OutputPlanner {
  private final List<List<Recipe>> recipes;
  private final PathTemplate paths;
  private final OutputStore store;
  private final Overwrite overwrite;

  OutputPlanner(ImageBatchSpec spec, OutputStore store) {
    this.recipes = Recipe.of(spec);
    this.paths = PathTemplate.parse(spec.output().pathTemplate());
    this.store = store;
    this.overwrite = spec.output().overwrite();
  }

  /** One output file of one variant. */
  record PlannedOutput(Recipe recipe, String path, String fingerprint, boolean current) {}

  /** A variant's output files, one per format. */
  record VariantPlan(Variant variant, List<PlannedOutput> outputs) {
    /** The outputs still to write. */
    List<PlannedOutput> todo() {
      return outputs.stream().filter(o -> !o.current()).toList();
    }

    Fit fit() {
      return variant.fit() == null ? Fit.INSIDE : variant.fit();
    }
  }

  /** Every variant of {@code source}, in spec order. */
  List<VariantPlan> plan(SourceFile source) throws ImageFailure {
    List<VariantPlan> plan = new ArrayList<>();
    for (List<Recipe> variant : recipes) {
      List<PlannedOutput> outputs = new ArrayList<>();
      for (Recipe recipe : variant) {
        String path = outputPath(source.key(), recipe);
        String fingerprint = recipe.fingerprint(source.sha256());
        outputs.add(new PlannedOutput(recipe, path, fingerprint, current(path, fingerprint)));
      }
      plan.add(new VariantPlan(variant.getFirst().variant(), outputs));
    }
    return plan;
  }

  /**
   * Refuses a source whose outputs would land outside the output root, before it is fetched: a key
   * or URL with {@code ..} segments, also when they were percent-encoded.
   */
  void refuseEscapingKey(String key) throws ImageFailure {
    outputPath(key, recipes.getFirst().getFirst());
  }

  /** "variant/format" of every output, in spec order: the order of a manifest line. */
  List<String> order() {
    return recipes.stream()
        .flatMap(List::stream)
        .map(r -> r.variant().name() + "/" + r.format().yamlName())
        .toList();
  }

  private String outputPath(String key, Recipe recipe) throws ImageFailure {
    try {
      return paths.render(key, recipe.variant().name(), recipe.format());
    } catch (PathTemplate.EscapesRootException e) {
      throw new ImageFailure(FailureReason.SourceRefused, e.getMessage(), e);
    }
  }

  private boolean current(String path, String fingerprint) throws ImageFailure {
    try {
      return switch (overwrite) {
        case Always -> false;
        case Never -> store.exists(path);
        case IfChanged -> store.fingerprint(path).map(fingerprint::equals).orElse(false);
      };
    } catch (StorageException e) {
      throw e;
    } catch (IOException e) {
      throw new ImageFailure(FailureReason.ReadFailed, "cannot check " + path + ": " + e, e);
    }
  }
}
