package io.imagebatch.runner.output;

/**
 * Storage could not be reached, even after retries. Unlike a bad image, this stops the shard: the
 * runner exits 4 and the Job retries it.
 */
public class StorageException extends RuntimeException {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
