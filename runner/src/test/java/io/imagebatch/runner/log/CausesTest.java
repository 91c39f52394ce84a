package io.imagebatch.runner.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class CausesTest {
  @Test
  void listsEachAttemptAndItsCauseUnderTheLastMessage() {
    IOException firstWrite = new IOException("Broken pipe");
    RuntimeException firstAttempt = new RuntimeException("attempt 1", firstWrite);
    IOException lastWrite = new IOException("Error writing request body to server");
    RuntimeException last = new RuntimeException("attempt 2", lastWrite);
    last.addSuppressed(firstAttempt);
    RuntimeException top = new RuntimeException("cannot write s3://b/k after retries", last);

    assertThat(Causes.under(top))
        .containsExactly(
            "java.lang.RuntimeException: attempt 2",
            "java.lang.RuntimeException: attempt 1",
            "java.io.IOException: Broken pipe",
            "java.io.IOException: Error writing request body to server");
  }

  @Test
  void stopsAtTheLimitAndAtACycle() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);
    assertThat(Causes.under(a)).containsExactly("java.lang.RuntimeException: b");

    RuntimeException deep = new RuntimeException("0");
    for (int i = 1; i <= 40; i++) {
      deep = new RuntimeException(Integer.toString(i), deep);
    }
    assertThat(Causes.under(deep))
        .hasSize(Causes.LIMIT)
        .first()
        .isEqualTo("java.lang.RuntimeException: 39");
  }
}
