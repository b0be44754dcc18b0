package io.vmpower.hal.linux.cpufreq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsIntelPstateTest {
  static final String MIN0 = "cpu0/cpufreq/scaling_min_freq";
  static final String MAX0 = "cpu0/cpufreq/scaling_max_freq";
  static final String GOVERNOR0 = "cpu0/cpufreq/scaling_governor";
  static final String NO_TURBO = "intel_pstate/no_turbo";

  @TempDir Path tmp;

  /** Two CPUs, 800 MHz - 3.9 GHz, base 2.1 GHz, turbo on. */
  private FakeSysfs host() {
    return new FakeSysfs(tmp)
        .cpus("0-1", "0-1")
        .intelHost(0, 40)
        .intel(0, "powersave", 800_000, 3_900_000, 2_100_000)
        .intel(1, "powersave", 800_000, 3_900_000, 2_100_000);
  }

  private static FileSystemException busy() {
    return new FileSystemException("x", null, "Device or resource busy");
  }

  @Test
  void tableIsOneTurboBucketThenBaseDownToMinIn100MhzSteps() {
    try (SysfsCpuFrequencies f = host().open()) {
      FrequencyTable t = f.table(0);
      assertTrue(t.hasTurbo());
      assertEquals(15, t.size());
      assertEquals(3_900_000, t.get(0));
      assertEquals(2_100_000, t.get(1));
      assertEquals(2_000_000, t.get(2));
      assertEquals(800_000, t.get(14));
      assertSame(t, f.table(0));
      assertEquals("intel_pstate", f.driver(0));
      assertTrue(f.capabilities(0).turbo());
    }
  }

  @Test
  void withoutBaseFrequencyTheNonTurboMaxComesFromTurboPct() throws Exception {
    FrequencyTable t = SysfsIntelPstate.table(0, 800_000, 3_900_000, -1, 40);
    // 8 + (100 - 40) * (39 - 8) / 100 = 26 bins of 100 MHz
    assertEquals(3_900_000, t.get(0));
    assertEquals(2_600_000, t.get(1));
    assertTrue(t.hasTurbo());
  }

  @Test
  void withNeitherBaseNorTurboPctThereIsNoTurbo() throws Exception {
    FrequencyTable t = SysfsIntelPstate.table(0, 800_000, 3_900_000, -1, 0);
    assertFalse(t.hasTurbo());
    assertEquals(32, t.size());
    assertEquals(3_900_000, t.get(0));
    assertEquals(3_800_000, t.get(1));
    assertEquals(800_000, t.get(31));
    assertFalse(SysfsIntelPstate.table(0, 800_000, 2_100_000, 2_100_000, 40).hasTurbo());
  }

  @Test
  void aMinimumOffThe100MhzGridIsStillTheLastEntry() throws Exception {
    FrequencyTable t = SysfsIntelPstate.table(0, 850_000, 1_200_000, -1, -1);
    assertArrayEquals(new long[] {1_200_000, 1_100_000, 1_000_000, 900_000, 850_000}, t.toArray());
  }

  @Test
  void nonsenseLimitsMakeTheCpuUncontrolled() {
    FakeSysfs fake = host();
    fake.file("cpu1/cpufreq/cpuinfo_min_freq", "4000000");
    try (SysfsCpuFrequencies f = fake.open()) {
      assertFalse(f.cpus().contains(1));
      assertTrue(f.uncontrolledReason(1).contains("no frequency range"), f.uncontrolledReason(1));
    }
  }

  @Test
  void loweringWritesMinFirstAndRaisingWritesMaxFirst() throws Exception {
    FakeSysfs fake = host();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 5);
      assertEquals(
          List.of(GOVERNOR0 + "=performance", MIN0 + "=1700000", MAX0 + "=1700000"), fake.writes());
      fake.clearWrites();
      f.setIndex(0, 1);
      assertEquals(List.of(MAX0 + "=2100000", MIN0 + "=2100000"), fake.writes());
      fake.clearWrites();
      f.setIndex(0, 10);
      assertEquals(List.of(MIN0 + "=1200000", MAX0 + "=1200000"), fake.writes());
      assertEquals("performance", f.governor(0));
      assertEquals("powersave", f.governor(1));
    }
  }

  @Test
  void currentIndexIsTheEntryNearestScalingMaxFreq() throws Exception {
    FakeSysfs fake = host();
    try (SysfsCpuFrequencies f = fake.open()) {
      assertEquals(0, f.currentIndex(0), "untouched: max is cpuinfo_max_freq");
      fake.file(MAX0, "1620000");
      assertEquals(6, f.currentIndex(0), "off-table: the nearest entry");
      f.setIndex(0, 5);
      assertEquals(5, f.currentIndex(0));
      fake.file(MAX0, "3500000");
      assertEquals(5, f.currentIndex(0), "after a write: what was written, not read back");
      f.restore();
      fake.file(MAX0, "3500000");
      assertEquals(0, f.currentIndex(0), "after a restore: read again");
    }
  }

  @Test
  void turboIsTheHostWideNoTurboFile() throws Exception {
    FakeSysfs fake = host();
    try (SysfsCpuFrequencies f = fake.open()) {
      assertTrue(f.turboEnabled(0));
      f.setTurbo(0, false);
      assertEquals(List.of(NO_TURBO + "=1"), fake.writes());
      assertFalse(f.turboEnabled(0));
      assertFalse(f.turboEnabled(1), "no_turbo is host-wide");
      FrequencyException e = assertThrows(FrequencyException.class, () -> f.setIndex(0, 0));
      assertTrue(e.getMessage().contains("turbo is disabled"), e.getMessage());
      f.setTurbo(1, false);
      assertEquals(List.of(NO_TURBO + "=1"), fake.writes(), "already 1: nothing written");
      f.setTurbo(0, true);
      assertEquals("0", fake.read(NO_TURBO));
      assertTrue(f.turboEnabled(1));
      f.setIndex(0, 0);
      assertEquals("3900000", fake.read(MAX0));
      fake.file(NO_TURBO, "1");
      assertFalse(f.turboEnabled(0), "re-read: someone else disabled turbo");
    }
  }

  @Test
  void withoutNoTurboFileSwitchingTurboFailsClearly() {
    FakeSysfs fake =
        new FakeSysfs(tmp).cpus("0", "0").intel(0, "powersave", 800_000, 3_900_000, 2_100_000);
    try (SysfsCpuFrequencies f = fake.open()) {
      assertTrue(f.turboEnabled(0));
      FrequencyException e = assertThrows(FrequencyException.class, () -> f.setTurbo(0, false));
      assertTrue(e.getMessage().contains("no_turbo does not exist"), e.getMessage());
    }
  }

  @Test
  void enablingTurboWithoutTurboFails() {
    FakeSysfs fake =
        new FakeSysfs(tmp)
            .cpus("0", "0")
            .intelHost(0, 0)
            .intel(0, "powersave", 800_000, 2_100_000, -1);
    try (SysfsCpuFrequencies f = fake.open()) {
      assertFalse(f.table(0).hasTurbo());
      assertFalse(f.turboEnabled(0));
      assertThrows(FrequencyException.class, () -> f.setTurbo(0, true));
    }
  }

  @Test
  void intelCpufreqIsDrivenTheSameWay() throws Exception {
    FakeSysfs fake = host();
    fake.file("cpu1/cpufreq/scaling_driver", "intel_cpufreq");
    try (SysfsCpuFrequencies f = fake.open()) {
      assertEquals("intel_cpufreq", f.driver(1));
      f.setIndex(1, 3);
      assertEquals("1900000", fake.read("cpu1/cpufreq/scaling_min_freq"));
      assertEquals("1900000", fake.read("cpu1/cpufreq/scaling_max_freq"));
    }
  }

  @Test
  void aRaiseFailingHalfwayLeavesWhatTheHardwareRunsAt() throws Exception {
    FakeSysfs fake = host();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 5);
      fake.failNextWrite(MIN0, busy());
      FrequencyException e = assertThrows(FrequencyException.class, () -> f.setIndex(0, 1));
      assertTrue(
          e.getMessage()
              .startsWith("CPU 0: cannot write '2100000' to " + fake.path(MIN0) + ": EBUSY"),
          e.getMessage());
      assertEquals("2100000", fake.read(MAX0));
      assertEquals("1700000", fake.read(MIN0));
      assertEquals(1, f.currentIndex(0), "the performance governor runs at max");
    }
  }

  @Test
  void aLowerFailingHalfwayLeavesTheOldFrequency() throws Exception {
    FakeSysfs fake = host();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 1);
      fake.failNextWrite(MAX0, busy());
      FrequencyException e = assertThrows(FrequencyException.class, () -> f.setIndex(0, 10));
      assertTrue(e.getMessage().contains(fake.path(MAX0) + ": EBUSY"), e.getMessage());
      assertEquals("1200000", fake.read(MIN0));
      assertEquals("2100000", fake.read(MAX0));
      assertEquals(1, f.currentIndex(0));
    }
  }

  @Test
  void restoreAfterAFailureHalfwayLeavesTheTreeByteIdenticalAndIsIdempotent() throws Exception {
    FakeSysfs fake = host();
    Map<String, String> before = fake.snapshot();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 5);
      f.setTurbo(1, false);
      f.setIndex(1, 2);
      fake.failNextWrite(MIN0, busy());
      assertThrows(FrequencyException.class, () -> f.setIndex(0, 1));
      f.setIndex(0, 12);
      f.restore();
      assertEquals(before, fake.snapshot());
      List<String> writes = fake.writes();
      f.restore();
      assertEquals(writes, fake.writes());
    }
    assertEquals(before, fake.snapshot());
  }

  @Test
  void restoreWritesTheLimitsInTheOrderThatKeepsMinBelowMax() throws Exception {
    FakeSysfs fake = host();
    fake.file("cpu1/cpufreq/scaling_max_freq", "1500000");
    Map<String, String> before = fake.snapshot();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 10); // 1.2 GHz, below the original max 3.9 GHz
      f.setIndex(1, 1); // 2.1 GHz, above the original max 1.5 GHz
      fake.clearWrites();
      f.restore();
      assertEquals(
          List.of(
              "cpu1/cpufreq/scaling_min_freq=800000",
              "cpu1/cpufreq/scaling_max_freq=1500000",
              "cpu1/cpufreq/scaling_governor=powersave",
              MAX0 + "=3900000",
              MIN0 + "=800000",
              GOVERNOR0 + "=powersave"),
          fake.writes());
    }
    assertEquals(before, fake.snapshot());
  }

  @Test
  void noTurboIsRestoredFirst() throws Exception {
    FakeSysfs fake = host();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 3);
      f.setTurbo(0, false);
      fake.clearWrites();
      f.restore();
      assertEquals(NO_TURBO + "=0", fake.writes().get(0));
      assertEquals(4, fake.writes().size());
    }
  }
}
