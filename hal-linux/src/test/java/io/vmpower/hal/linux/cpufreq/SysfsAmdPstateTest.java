package io.vmpower.hal.linux.cpufreq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsAmdPstateTest {
  static final String SETSPEED0 = "cpu0/cpufreq/scaling_setspeed";
  static final String GOVERNOR0 = "cpu0/cpufreq/scaling_governor";

  @TempDir Path tmp;

  /** amd-pstate passive: 400 MHz - 4.35 GHz, nominal 2.9 GHz, boost (highest_perf > nominal). */
  private FakeSysfs host() {
    return new FakeSysfs(tmp)
        .cpus("0-1", "0-1")
        .amd(0, "amd-pstate", "schedutil", 400_000, 4_350_000, 228, 152, 2900)
        .amd(1, "amd-pstate", "schedutil", 400_000, 4_350_000, 228, 152, 2900);
  }

  @Test
  void tableIsTheBoostBucketThenNominalDownToMin() {
    try (SysfsCpuFrequencies f = host().open()) {
      FrequencyTable t = f.table(0);
      assertTrue(t.hasTurbo());
      assertEquals(4_350_000, t.get(0));
      assertEquals(2_900_000, t.get(1));
      assertEquals(2_800_000, t.get(2));
      assertEquals(400_000, t.get(t.lowestIndex()));
      assertEquals(27, t.size());
      assertSame(t, f.table(0));
      assertEquals("amd-pstate", f.driver(0));
    }
  }

  @Test
  void withoutNominalFreqTheNominalIsScaledByPerf() {
    FakeSysfs fake =
        new FakeSysfs(tmp)
            .cpus("0", "0")
            .amd(0, "amd-pstate", "schedutil", 400_000, 3_000_000, 228, 152, -1);
    try (SysfsCpuFrequencies f = fake.open()) {
      assertEquals(3_000_000, f.table(0).get(0));
      assertEquals(2_000_000, f.table(0).get(1)); // 3.0 GHz * 152 / 228
      assertTrue(f.table(0).hasTurbo());
    }
  }

  @Test
  void noBoostWhenHighestPerfIsNominalAndScalingLimitsBoundTheTable() {
    FakeSysfs fake =
        new FakeSysfs(tmp)
            .cpus("0", "0")
            .amd(0, "cppc_cpufreq", "schedutil", 1_000_000, 3_000_000, 300, 300, 3000);
    fake.file("cpu0/cpufreq/scaling_max_freq", "2000000");
    try (SysfsCpuFrequencies f = fake.open()) {
      FrequencyTable t = f.table(0);
      assertFalse(t.hasTurbo());
      assertEquals(2_000_000, t.get(0));
      assertEquals(1_000_000, t.get(t.lowestIndex()));
      assertEquals(11, t.size());
      assertEquals("cppc_cpufreq", f.driver(0));
      assertFalse(f.turboEnabled(0));
      assertThrows(FrequencyException.class, () -> f.setTurbo(0, true));
    }
  }

  @Test
  void missingScalingLimitsFallBackToCpuinfo() {
    FakeSysfs fake = host();
    fake.remove("cpu0/cpufreq/scaling_min_freq").remove("cpu0/cpufreq/scaling_max_freq");
    fake.file("cpu0/cpufreq/cpuinfo_min_freq", "600000");
    try (SysfsCpuFrequencies f = fake.open()) {
      assertEquals(4_350_000, f.table(0).get(0));
      assertEquals(600_000, f.table(0).get(f.table(0).lowestIndex()));
    }
  }

  @Test
  void amdPstateEppIsReportedAsUnsupported() {
    FakeSysfs fake = host();
    fake.file("cpu1/cpufreq/scaling_driver", "amd-pstate-epp");
    try (SysfsCpuFrequencies f = fake.open()) {
      assertEquals(CpuSet.of(0), f.cpus());
      assertEquals(CpuSet.of(1), f.uncontrolledCpus());
      String reason = f.uncontrolledReason(1);
      assertTrue(reason.contains("amd-pstate-epp"), reason);
      assertTrue(reason.contains("amd_pstate=passive"), reason);
    }
  }

  @Test
  void setIndexSwitchesToUserspaceAndWritesSetspeed() throws Exception {
    FakeSysfs fake = host();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 1);
      f.setIndex(0, 3);
      assertEquals(
          List.of(GOVERNOR0 + "=userspace", SETSPEED0 + "=2900000", SETSPEED0 + "=2700000"),
          fake.writes());
      assertEquals(3, f.currentIndex(0));
      assertEquals("userspace", f.governor(0));
    }
  }

  @Test
  void boostIsAnInMemoryFlag() throws Exception {
    FakeSysfs fake = host();
    try (SysfsCpuFrequencies f = fake.open()) {
      assertTrue(f.turboEnabled(0));
      f.setTurbo(0, false);
      assertFalse(f.turboEnabled(0));
      assertEquals(List.of(), fake.writes());
      assertThrows(FrequencyException.class, () -> f.setIndex(0, 0));
      f.setTurbo(0, true);
      f.setIndex(0, 0);
      assertEquals("4350000", fake.read(SETSPEED0));
    }
  }

  @Test
  void aFailedWriteIsReportedAndRestoreLeavesTheTreeByteIdentical() throws Exception {
    FakeSysfs fake = host();
    Map<String, String> before = fake.snapshot();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 4);
      f.setIndex(1, 2);
      fake.failNextWrite(SETSPEED0, new FileSystemException("x", null, "Invalid argument"));
      FrequencyException e = assertThrows(FrequencyException.class, () -> f.setIndex(0, 9));
      assertTrue(e.getMessage().contains(fake.path(SETSPEED0) + ": EINVAL"), e.getMessage());
      assertEquals(4, f.currentIndex(0));
      f.restore();
      assertEquals(before, fake.snapshot());
      f.restore();
      assertEquals(before, fake.snapshot());
    }
    assertEquals(before, fake.snapshot());
  }
}
