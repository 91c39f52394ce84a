package io.imagebatch.runner.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The start-up line's CPU figure (from /proc) and the supervisor's JVM start. */
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
  void theSupervisorsJvmStartIsItsMainLessTheBootTimeOfTheWorkersIdenticalJvm() {
    assertThat(StartupClock.jvmStart(1_000_000, 40)).isEqualTo(999_960);
    assertThat(StartupClock.jvmStart(1_000_000, -5)).isEqualTo(1_000_000);
  }

  @Test
  void aWorkerReadsTheSupervisorsMainFromItsEnvironment() {
    assertThat(StartupClock.supervisorMain(Map.of(StartupClock.SUPERVISOR_MAIN_ENV, "1234")))
        .contains(1234L);
    assertThat(StartupClock.supervisorMain(Map.of(StartupClock.SUPERVISOR_MAIN_ENV, "soon")))
        .isEmpty();
    assertThat(StartupClock.supervisorMain(Map.of())).isEmpty();
  }
}
