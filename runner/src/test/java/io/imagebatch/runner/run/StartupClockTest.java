package io.imagebatch.runner.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The start-up line's CPU figure and the supervisor's head start are read from /proc. */
class StartupClockTest {
  @Test
  void cpuMillisOfThisProcessCountsItsStartUp() {
    // A JVM that has started and run a test has used far more than one 10 ms tick of CPU.
    assertThat(StartupClock.cpuMillis(StartupClock.stat(ProcessHandle.current().pid())))
        .isGreaterThanOrEqualTo(10);
  }

  @Test
  void aProcessThatIsGoneHasNoStatAndNoCpu() {
    assertThat(StartupClock.stat(Long.MAX_VALUE)).isEmpty();
    assertThat(StartupClock.cpuMillis(new String[0])).isZero();
  }

  @Test
  void theSupervisorsHeadStartIsTheDifferenceOfTheStartTimesInTicks() {
    // starttime is proc(5)'s field 22: index 19 after the command name.
    assertThat(StartupClock.headStartMillis(stat(12_345), stat(12_340))).isEqualTo(50);
    assertThat(StartupClock.headStartMillis(stat(12_345), new String[0])).isZero();
  }

  @Test
  void thisProcessStartedNoEarlierThanItsParent() {
    String[] self = StartupClock.stat(ProcessHandle.current().pid());
    String[] parent = StartupClock.stat(ProcessHandle.current().parent().orElseThrow().pid());
    assertThat(Long.parseLong(self[19])).isGreaterThanOrEqualTo(Long.parseLong(parent[19]));
  }

  private static String[] stat(long startTicks) {
    String[] fields = new String[40];
    Arrays.fill(fields, "0");
    fields[19] = Long.toString(startTicks);
    return fields;
  }
}
