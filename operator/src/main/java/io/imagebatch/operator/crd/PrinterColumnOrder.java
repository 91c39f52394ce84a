package io.imagebatch.operator.crd;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs at build time on each generated CRD ({@code quarkus.operator-sdk.crd.post-processor}). The
 * generator sorts printer columns by JSON path, but kubectl shows them in list order and the
 * contract's orders are PHASE, STATUS, PROGRESS, FAILED, RUNNER, AGE (ImageBatch; -o wide adds
 * SHARDS and VARIANTS before AGE and MESSAGE after it) and ACTIVE, IMAGE, CANDIDATE, VERIFICATION,
 * AGE (ImageRunner). The two kinds share no column but Age.
 */
public class PrinterColumnOrder implements CRDPostProcessor {
  static final List<String> ORDER =
      List.of(
          "Phase",
          "Status",
          "Progress",
          "Failed",
          "Runner",
          "Shards",
          "Variants",
          "Active",
          "Image",
          "Candidate",
          "Verification",
          "Age",
          "Message");

  @Override
  public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
    if (crd instanceof CustomResourceDefinition definition) {
      definition
          .getSpec()
          .getVersions()
          .forEach(
              version -> {
                if (version.getAdditionalPrinterColumns() != null) {
                  List<CustomResourceColumnDefinition> columns =
                      new ArrayList<>(version.getAdditionalPrinterColumns());
                  columns.sort(Comparator.comparingInt(PrinterColumnOrder::rank));
                  version.setAdditionalPrinterColumns(columns);
                }
              });
    }
    return crd;
  }

  private static int rank(CustomResourceColumnDefinition column) {
    int rank = ORDER.indexOf(column.getName());
    return rank < 0 ? ORDER.size() : rank;
  }
}
