package io.vmpower.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.FrequencyException;
import org.junit.jupiter.api.Test;

/** The fake keeps the CpuFrequencies contract, so tests built on it mean something. */
class FakeCpuFrequenciesTest {
  private final FakeCpuFrequencies hw =
      new FakeCpuFrequencies()
          .add(0, FakeCpuFrequencies.TURBO_TABLE, 3)
          .add(1, FakeCpuFrequencies.PLAIN_TABLE, 2)
          .offline(2);

  @Test
  void describesItsCpus() {
    assertEquals(CpuSet.of(0, 1), hw.cpus());
    assertEquals(CpuSet.of(2), hw.offlineCpus());
    assertSame(hw.table(0), hw.table(0));
    assertTrue(hw.turboEnabled(0));
    assertFalse(hw.turboEnabled(1), "no turbo: never enabled");
    assertTrue(hw.capabilities(0).turbo());
  }

  @Test
  void restorePutsBackTheValuesSavedBeforeTheFirstWrite() throws FrequencyException {
    hw.setIndex(0, 5);
    hw.setIndex(0, 6);
    hw.setTurbo(0, false);

    hw.restore();

    assertEquals(3, hw.currentIndex(0));
    assertTrue(hw.turboEnabled(0));
    assertEquals(2, hw.restores());
    hw.restore();
    assertEquals(2, hw.restores(), "idempotent");
  }

  @Test
  void restoreContinuesPastFailuresAndReportsThemAll() throws FrequencyException {
    hw.setIndex(0, 5);
    hw.setIndex(1, 0);
    hw.failIndexWrites(0, "EACCES");

    FrequencyException e = assertThrows(FrequencyException.class, hw::restore);

    assertTrue(e.getMessage().contains("cpu0 index: EACCES"), e.getMessage());
    assertEquals(2, hw.currentIndex(1), "CPU 1 was restored anyway");
  }

  @Test
  void badWritesFailAndChangeNothing() {
    assertThrows(FrequencyException.class, () -> hw.setIndex(0, 9));
    assertThrows(FrequencyException.class, () -> hw.setIndex(2, 0));
    FrequencyException e = assertThrows(FrequencyException.class, () -> hw.setTurbo(1, true));
    assertEquals(1, e.cpu());
    hw.failTurboWrites(0, "EBUSY");
    assertThrows(FrequencyException.class, () -> hw.setTurbo(0, false));

    assertTrue(hw.writes().isEmpty());
    assertEquals(3, hw.currentIndex(0));
    assertTrue(hw.turboEnabled(0));
  }

  @Test
  void priorityCoresSayWhichTheyAre() {
    hw.priority(1);

    assertFalse(hw.capabilities(0).priorityCore());
    assertTrue(hw.capabilities(1).priorityCore());
    assertEquals(2, hw.currentIndex(1), "the rest of the CPU is kept");
  }

  @Test
  void aNextWriteFailureFailsOneWriteOnly() throws FrequencyException {
    hw.failNextIndexWrite("EBUSY");

    FrequencyException e = assertThrows(FrequencyException.class, () -> hw.setIndex(1, 0));
    assertEquals("cpu1: scaling_setspeed: EBUSY", e.getMessage());
    assertEquals(2, hw.currentIndex(1));
    hw.setIndex(1, 0);
    assertEquals(0, hw.currentIndex(1));
  }

  @Test
  void restoreCallsAreCountedEvenWhenNothingChanged() throws FrequencyException {
    hw.restore();
    hw.close();

    assertEquals(2, hw.restoreCalls());
    assertEquals(0, hw.restores());
  }

  @Test
  void forBenchmarksKeepsNoWriteLogButStillSavesAndRestores() throws FrequencyException {
    hw.forBenchmarks();
    hw.setIndex(0, 5);
    hw.setTurbo(0, false);

    assertTrue(hw.writes().isEmpty());
    assertEquals(5, hw.currentIndex(0));
    hw.restore();
    assertEquals(3, hw.currentIndex(0));
    assertTrue(hw.turboEnabled(0));
  }
}
