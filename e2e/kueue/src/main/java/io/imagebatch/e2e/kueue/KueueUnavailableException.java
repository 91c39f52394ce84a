package io.imagebatch.e2e.kueue;

/**
 * Kueue is not built and cannot be built here (no Go). Tests skip on it, or fail with CI=true
 * (ControlPlaneExtension.skipOrFail); every other startup error is a real failure.
 */
public final class KueueUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  KueueUnavailableException(String reason) {
    super("Kueue unavailable: " + reason + "; to enable: run e2e/kueue/build.sh (needs Go 1.25+)");
  }
}
