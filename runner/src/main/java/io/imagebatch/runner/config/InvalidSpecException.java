package io.imagebatch.runner.config;

import java.util.List;
import java.util.stream.Collectors;

/** The batch cannot run as written; every error names its field. Exit code 3. */
public class InvalidSpecException extends RuntimeException {
  private final List<FieldError> errors;

  public InvalidSpecException(String source, List<FieldError> errors) {
    super(
        source
            + " is not a valid ImageBatch:\n"
            + errors.stream().map(e -> "  " + e).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  public InvalidSpecException(String source, FieldError error) {
    this(source, List.of(error));
  }

  public List<FieldError> errors() {
    return errors;
  }
}
