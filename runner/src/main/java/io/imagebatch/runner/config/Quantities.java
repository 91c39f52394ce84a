package io.imagebatch.runner.config;

import io.fabric8.kubernetes.api.model.Quantity;

/** Kubernetes quantities (256Mi, 1G, 1000) as byte counts. */
public final class Quantities {
  private Quantities() {}

  public static long bytes(Quantity quantity) {
    if (quantity == null) {
      throw new IllegalArgumentException("required");
    }
    try {
      return Quantity.getAmountInBytes(quantity).longValueExact();
    } catch (ArithmeticException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "\"" + quantity + "\" is not a byte quantity such as 256Mi or 1G");
    }
  }
}
