package io.vmpower.core.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.EnergyCounters;
import io.vmpower.core.hal.EnergyZone;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Totals from scripted raw counters: deltas, a wrap, a reset, a failing read. */
class EnergyMeterTest {
  static final long RANGE = 262_143_328_850L;

  /** Two zones whose raw values the test sets; a null value fails the read. */
  static final class Scripted implements EnergyCounters {
    final Long[] raw = {0L, 0L};

    @Override
    public String description() {
      return "scripted";
    }

    @Override
    public List<EnergyZone> zones() {
      return List.of(
          new EnergyZone(
              "z:0", "package-0", EnergyZone.Kind.PACKAGE, 0, CpuSet.of(0, 1), RANGE, null),
          new EnergyZone("z:1", "dram", EnergyZone.Kind.DRAM, 0, CpuSet.empty(), 0, null));
    }

    @Override
    public long readMicrojoules(int zone) throws IOException {
      if (raw[zone] == null) {
        throw new IOException("cannot read z:" + zone + ": EACCES (Permission denied)");
      }
      return raw[zone];
    }
  }

  @Test
  void addsDeltasAndCountsAcrossAWrapToTheMicrojoule() {
    Scripted c = new Scripted();
    EnergyMeter m = new EnergyMeter(c);
    c.raw[0] = RANGE - 3_000_000L;
    m.sample(); // first sample: a baseline, nothing counted
    assertEquals(0, m.totals().get(0).microjoules());
    c.raw[0] = RANGE - 1_000_000L;
    m.sample();
    assertEquals(2_000_000L, m.totals().get(0).microjoules());
    c.raw[0] = 500_000L; // wrapped: 1,000,000 to the range, then 500,000
    m.sample();
    assertEquals(3_500_000L, m.totals().get(0).microjoules());
    assertEquals(3.5, m.totals().get(0).joules());
  }

  @Test
  void aCounterWithoutARangeThatGoesBackIsTakenAsReset() {
    Scripted c = new Scripted();
    EnergyMeter m = new EnergyMeter(c);
    c.raw[1] = 10_000_000L;
    m.sample();
    c.raw[1] = 12_000_000L;
    m.sample();
    c.raw[1] = 1_000_000L;
    m.sample();
    assertEquals(3_000_000L, m.totals().get(1).microjoules());
  }

  @Test
  void aFailingReadIsReportedAndCountingGoesOnAfterIt() {
    Scripted c = new Scripted();
    EnergyMeter m = new EnergyMeter(c);
    m.sample();
    c.raw[0] = null;
    m.sample();
    assertEquals("cannot read z:0: EACCES (Permission denied)", m.totals().get(0).lastError());
    c.raw[0] = 4_000_000L;
    m.sample();
    assertNull(m.totals().get(0).lastError());
    assertEquals(4_000_000L, m.totals().get(0).microjoules(), "from the last good value");
  }
}
