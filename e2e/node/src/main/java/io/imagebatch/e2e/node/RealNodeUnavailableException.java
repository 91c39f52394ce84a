package io.imagebatch.e2e.node;

/** The real node cannot run on this machine (no root, no Go, a missing package or kernel part). */
public final class RealNodeUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RealNodeUnavailableException(String message) {
    super(message);
  }
}
