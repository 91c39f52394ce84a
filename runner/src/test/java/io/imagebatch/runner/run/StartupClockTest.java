package io.imagebatch.runner.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The start-up line's CPU figure is read from /proc, for this process and its supervisor. */
class StartupClockTest {
  @Test
  void cpuMillisOfThisProcessCountsItsStartUp() {
    // A JVM that has started and run a test has used far more than one 10 ms tick of CPU.
    assertThat(StartupClock.cpuMillis(ProcessHandle.current().pid())).isGreaterThanOrEqualTo(10);
  }

  @Test
  void cpuMillisOfAProcessThatIsGoneIsZero() {
    assertThat(StartupClock.cpuMillis(Long.MAX_VALUE)).isZero();
  }
}
