package io.vmpower.core.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.testing.FakeCpuFrequencies.Kind;
import io.vmpower.core.testing.FakeCpuFrequencies.Write;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PowerManagerTest {
  private static final FrequencyTable TURBO = FakeCpuFrequencies.TURBO_TABLE;
  private static final FrequencyTable PLAIN = FakeCpuFrequencies.PLAIN_TABLE;

  private final FakeCpuFrequencies hw =
      new FakeCpuFrequencies()
          .add(0, TURBO, 3)
          .add(1, TURBO, 0, false, false)
          .add(2, PLAIN, 1)
          .add(3, TURBO, 5)
          .offline(4);
  private final PowerManager power = new PowerManager(hw);

  @Test
  void upMovesOneStepAndWritesOnce() {
    assertEquals(ScaleOutcome.CHANGED, power.scale(0, ScaleOp.UP));

    assertEquals(2, hw.currentIndex(0));
    assertEquals(List.of(new Write(0, Kind.INDEX, 3, 2)), hw.writes());
  }

  @Test
  void atTheBoundIsUnchangedAndWritesNothing() {
    hw.add(5, PLAIN, 3);
    PowerManager pm = new PowerManager(hw);

    assertEquals(ScaleOutcome.UNCHANGED, pm.scale(5, ScaleOp.DOWN));
    assertEquals(ScaleOutcome.UNCHANGED, pm.scale(5, ScaleOp.MIN));
    assertEquals(3, hw.currentIndex(5));
    assertTrue(hw.writes().isEmpty());
  }

  @Test
  void boundsWithAndWithoutTurbo() {
    assertEquals(ScaleOutcome.CHANGED, power.scale(0, ScaleOp.MAX));
    assertEquals(0, hw.currentIndex(0), "turbo enabled: max is the turbo bucket");
    assertEquals(ScaleOutcome.CHANGED, power.scale(0, ScaleOp.MIN));
    assertEquals(8, hw.currentIndex(0));

    assertEquals(ScaleOutcome.CHANGED, power.scale(2, ScaleOp.MAX));
    assertEquals(0, hw.currentIndex(2), "no turbo: max is index 0");
    assertEquals(ScaleOutcome.CHANGED, power.scale(2, ScaleOp.MIN));
    assertEquals(3, hw.currentIndex(2));
  }

  @Test
  void maxWithTurboDisabledIsIndex1() {
    hw.add(6, TURBO, 7, false, false);
    PowerManager pm = new PowerManager(hw);

    assertEquals(ScaleOutcome.CHANGED, pm.scale(6, ScaleOp.MAX));

    assertEquals(1, hw.currentIndex(6));
  }

  @Test
  void upFromIndex1WithTurboDisabledStays() {
    hw.add(6, TURBO, 1, false, false);
    PowerManager pm = new PowerManager(hw);

    assertEquals(ScaleOutcome.UNCHANGED, pm.scale(6, ScaleOp.UP));

    assertEquals(1, hw.currentIndex(6));
    assertTrue(hw.writes().isEmpty());
  }

  @Test
  void enableTurboGoesToIndex0WithTurboOn() {
    hw.add(6, TURBO, 4, false, false);
    PowerManager pm = new PowerManager(hw);

    assertEquals(ScaleOutcome.CHANGED, pm.scale(6, ScaleOp.ENABLE_TURBO));

    assertTrue(hw.turboEnabled(6));
    assertEquals(0, hw.currentIndex(6));
  }

  @Test
  void enableTurboWhenAlreadyThereIsUnchanged() {
    assertEquals(ScaleOutcome.CHANGED, power.scale(0, ScaleOp.ENABLE_TURBO));
    int writes = hw.writes().size();

    assertEquals(ScaleOutcome.UNCHANGED, power.scale(0, ScaleOp.ENABLE_TURBO));

    assertEquals(writes, hw.writes().size());
  }

  @Test
  void enableTurboOnACpuWithoutTurboFailsAndChangesNothing() {
    assertEquals(ScaleOutcome.FAILED, power.scale(2, ScaleOp.ENABLE_TURBO));

    assertEquals(1, hw.currentIndex(2));
    assertFalse(hw.turboEnabled(2));
    assertTrue(hw.writes().isEmpty());
    CpuScaleResult r = power.scaleReport(2, ScaleOp.ENABLE_TURBO);
    assertTrue(r.failed());
    assertTrue(r.error().contains("no turbo"), r.error());
  }

  @Test
  void disableTurboFromIndex0GoesToIndex1() {
    assertEquals(ScaleOutcome.CHANGED, power.scale(1, ScaleOp.ENABLE_TURBO));
    assertEquals(0, hw.currentIndex(1));

    assertEquals(ScaleOutcome.CHANGED, power.scale(1, ScaleOp.DISABLE_TURBO));

    assertEquals(1, hw.currentIndex(1));
    assertFalse(hw.turboEnabled(1));
  }

  @Test
  void disableTurboBelowTheTopKeepsTheFrequency() {
    assertEquals(ScaleOutcome.CHANGED, power.scale(3, ScaleOp.DISABLE_TURBO));

    assertEquals(5, hw.currentIndex(3));
    assertFalse(hw.turboEnabled(3));
    assertEquals(List.of(new Write(3, Kind.TURBO, 1, 0)), hw.writes());
  }

  @Test
  void disableTurboOnACpuWithoutTurboIsUnchanged() {
    assertEquals(ScaleOutcome.UNCHANGED, power.scale(2, ScaleOp.DISABLE_TURBO));
    assertTrue(hw.writes().isEmpty());
  }

  @Test
  void aFailedWriteIsFailedAndTheCpuIsWhatTheHardwareHas() {
    hw.failIndexWrites(0, "EBUSY");

    assertEquals(ScaleOutcome.FAILED, power.scale(0, ScaleOp.UP));
    assertEquals(3, hw.currentIndex(0));

    CpuScaleResult r = power.scaleReport(0, ScaleOp.DOWN);
    assertEquals(ScaleOutcome.FAILED, r.outcome());
    assertEquals(TURBO.get(3), r.fromKhz());
    assertEquals(TURBO.get(3), r.toKhz());
    assertTrue(r.error().contains("EBUSY"), r.error());
    assertTrue(r.describe().startsWith("Core 0: failed: "), r.describe());
    assertTrue(hw.writes().isEmpty());
  }

  @Test
  void enableTurboWhoseFrequencyWriteFailsPutsTurboBack() {
    hw.add(6, TURBO, 4, false, false);
    PowerManager pm = new PowerManager(hw);
    hw.failIndexWrites(6, "EINVAL");

    assertEquals(ScaleOutcome.FAILED, pm.scale(6, ScaleOp.ENABLE_TURBO));

    assertFalse(hw.turboEnabled(6), "turbo is as it was");
    assertEquals(4, hw.currentIndex(6));
  }

  @Test
  void aCpuWithoutControlFails() {
    assertFalse(power.controls(4));
    assertFalse(power.controls(9));
    assertFalse(power.controls(-1));
    assertEquals(ScaleOutcome.FAILED, power.scale(4, ScaleOp.UP));
    assertEquals(ScaleOutcome.FAILED, power.scale(9, ScaleOp.UP));
    assertEquals("CPU 4 is offline", power.describeMissing(4));
    assertEquals("CPU 9 does not exist (host has 5)", power.describeMissing(9));
    CpuScaleResult r = power.scaleReport(9, ScaleOp.UP);
    assertEquals(ScaleOutcome.FAILED, r.outcome());
    assertEquals("CPU 9 does not exist (host has 5)", r.error());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> power.currentKhz(4));
    assertEquals("CPU 4 is offline", e.getMessage());
  }

  @Test
  void scaleAllScalesEveryCpuOfTheSetAndNoOther() {
    assertEquals(ScaleOutcome.CHANGED, power.scaleAll(CpuSet.of(0, 2, 3), ScaleOp.DOWN));

    assertEquals(4, hw.currentIndex(0));
    assertEquals(2, hw.currentIndex(2));
    assertEquals(6, hw.currentIndex(3));
    assertEquals(0, hw.currentIndex(1), "CPU 1 is not in the set");
  }

  @Test
  void scaleAllIsTheWorstOutcome() {
    assertEquals(ScaleOutcome.CHANGED, power.scaleAll(CpuSet.of(0, 1), ScaleOp.UP));
    assertEquals(ScaleOutcome.UNCHANGED, power.scaleAll(CpuSet.of(1), ScaleOp.UP));
    assertEquals(ScaleOutcome.FAILED, power.scaleAll(CpuSet.of(0, 4), ScaleOp.DOWN));
    assertEquals(3, hw.currentIndex(0), "the controllable CPU was still scaled");
    assertEquals(ScaleOutcome.FAILED, power.scaleAll(CpuSet.empty(), ScaleOp.UP));
  }

  @Test
  void scaleReportGivesFromAndToInKhz() {
    CpuScaleResult up = power.scaleReport(0, ScaleOp.UP);
    assertEquals(new CpuScaleResult(0, ScaleOutcome.CHANGED, 2200000, 2400000, null), up);
    assertEquals("Core 0: 2200000 -> 2400000 kHz", up.describe());

    CpuScaleResult same = power.scaleReport(2, ScaleOp.MIN);
    assertEquals(ScaleOutcome.CHANGED, same.outcome());
    same = power.scaleReport(2, ScaleOp.MIN);
    assertEquals(new CpuScaleResult(2, ScaleOutcome.UNCHANGED, 1200000, 1200000, null), same);
    assertEquals("Core 2: unchanged at 1200000 kHz", same.describe());

    List<CpuScaleResult> all = power.scaleReport(CpuSet.of(0, 3), ScaleOp.DOWN);
    assertEquals(2, all.size());
    assertEquals(0, all.get(0).cpu());
    assertEquals(2400000, all.get(0).fromKhz());
    assertEquals(2200000, all.get(0).toKhz());
    assertEquals(3, all.get(1).cpu());
    assertNull(all.get(1).error());
    assertEquals(2200000, power.currentKhz(0));
  }

  /**
   * Two threads race down then up on one CPU. Each write must move exactly one step from the value
   * the hardware had just before it: a read-then-write that is not serialised per CPU would show as
   * a write from a value the other thread had already changed (a lost step).
   */
  @Test
  void concurrentScalingOfOneCpuNeverLosesAStep() throws Exception {
    long[] khz = new long[3000];
    for (int i = 0; i < khz.length; i++) {
      khz[i] = 1_000_000 + 100L * i;
    }
    FakeCpuFrequencies longHw = new FakeCpuFrequencies().add(0, FrequencyTable.of(false, khz), 0);
    PowerManager pm = new PowerManager(longHw);
    CyclicBarrier start = new CyclicBarrier(2);
    Runnable work =
        () -> {
          try {
            start.await(10, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          for (int i = 0; i < 1000; i++) {
            pm.scale(0, ScaleOp.DOWN);
          }
          for (int i = 0; i < 1000; i++) {
            pm.scale(0, ScaleOp.UP);
          }
        };
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> a = pool.submit(work);
      Future<?> b = pool.submit(work);
      a.get(30, TimeUnit.SECONDS);
      b.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    List<Write> writes = longHw.writes();
    for (Write w : writes) {
      assertEquals(1, Math.abs(w.after() - w.before()), "a write that did not move one step: " + w);
    }
    assertEquals(4000, writes.size());
    assertEquals(0, longHw.currentIndex(0));
  }
}
