package io.imagebatch.operator.metrics;

import io.micrometer.core.instrument.MeterRegistry;

/** Reads of the operator's meters, for tests. */
public final class Meters {
  private Meters() {}

  /** imagebatch_reconciliation_errors_total for {@code kind}. */
  public static double reconciliationErrors(MeterRegistry registry, String kind) {
    return registry.get("imagebatch.reconciliation.errors").tag("kind", kind).counter().count();
  }
}
