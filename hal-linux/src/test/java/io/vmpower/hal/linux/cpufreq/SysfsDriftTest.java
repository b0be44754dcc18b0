package io.vmpower.hal.linux.cpufreq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.hal.ManagedSetting;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the sysfs backend reports to the drift check: the settings it manages with what it last
 * wrote and what the files hold, and re-apply and adopt on real files.
 */
class SysfsDriftTest {
  static final long[] FREQS = {2_601_000, 2_600_000, 2_400_000, 2_000_000, 1_600_000, 1_200_000};

  @TempDir Path tmp;

  private FakeSysfs acpiHost() {
    return new FakeSysfs(tmp)
        .cpus("0-1", "0-1")
        .acpi(0, "ondemand", FREQS)
        .acpi(1, "userspace", FREQS);
  }

  @Test
  void nothingIsManagedBeforeTheFirstWriteNorAfterARestore() throws Exception {
    try (SysfsCpuFrequencies f = acpiHost().open()) {
      assertEquals(List.of(), f.managedSettings(0));
      assertEquals(List.of(), f.managedSettings(-1));
      f.setIndex(0, 2);
      assertEquals(2, f.managedSettings(0).size());
      f.restore();
      assertEquals(List.of(), f.managedSettings(0));
    }
  }

  @Test
  void aGovernorAlreadyRightIsManagedToo() throws Exception {
    try (SysfsCpuFrequencies f = acpiHost().open()) {
      f.setIndex(1, 3);
      assertEquals(
          List.of(
              new ManagedSetting(1, "scaling_governor", "userspace", "userspace"),
              new ManagedSetting(1, "scaling_setspeed", "2000000", "2000000")),
          f.managedSettings(1));
    }
  }

  @Test
  void anOutsideFrequencyIsDriftAndReapplyWritesOursBack() throws Exception {
    FakeSysfs fake = acpiHost();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 2);
      fake.file("cpu0/cpufreq/scaling_setspeed", "1600000");
      ManagedSetting speed = setting(f.managedSettings(0), "scaling_setspeed");
      assertTrue(speed.drifted());
      assertEquals("2400000", speed.written());
      assertEquals("1600000", speed.found());
      f.reapply(speed);
      assertEquals("2400000", fake.read("cpu0/cpufreq/scaling_setspeed"));
      assertFalse(setting(f.managedSettings(0), "scaling_setspeed").drifted());
    }
    assertEquals("ondemand", fake.read("cpu0/cpufreq/scaling_governor"), "restored at close");
  }

  @Test
  void adoptTakesTheOutsideFrequencyAsOurs() throws Exception {
    FakeSysfs fake = acpiHost();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 2);
      fake.file("cpu0/cpufreq/scaling_setspeed", "1600000");
      f.adopt(setting(f.managedSettings(0), "scaling_setspeed"));
      ManagedSetting speed = setting(f.managedSettings(0), "scaling_setspeed");
      assertEquals("1600000", speed.written());
      assertFalse(speed.drifted());
      assertEquals(4, f.currentIndex(0));
      assertEquals("1600000", fake.read("cpu0/cpufreq/scaling_setspeed"), "nothing written");
    }
  }

  @Test
  void anOutsideGovernorIsDriftAndReapplySetsOursAgain() throws Exception {
    FakeSysfs fake = acpiHost();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 2);
      fake.file("cpu0/cpufreq/scaling_governor", "performance");
      ManagedSetting governor = setting(f.managedSettings(0), "scaling_governor");
      assertEquals(new ManagedSetting(0, "scaling_governor", "userspace", "performance"), governor);
      f.reapply(governor);
      assertEquals("userspace", fake.read("cpu0/cpufreq/scaling_governor"));
    }
  }

  @Test
  void aMissingFileIsReportedUnreadable() throws Exception {
    FakeSysfs fake = acpiHost();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 2);
      fake.remove("cpu0/cpufreq/scaling_governor");
      ManagedSetting governor = setting(f.managedSettings(0), "scaling_governor");
      assertTrue(governor.unreadable(), governor.found());
      assertTrue(governor.found().contains("ENOENT"), governor.found());
      fake.file("cpu0/cpufreq/scaling_governor", "userspace");
    }
  }

  @Test
  void intelPstateLimitsAndTheHostWideNoTurbo() throws Exception {
    FakeSysfs fake =
        new FakeSysfs(tmp)
            .cpus("0", "0")
            .intel(0, "powersave", 800_000, 3_500_000, 2_000_000)
            .intelHost(0, 40);
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 3);
      long khz = f.table(0).get(3);
      f.setTurbo(0, false);
      List<ManagedSetting> cpu0 = f.managedSettings(0);
      assertEquals(Long.toString(khz), setting(cpu0, "scaling_min_freq").written());
      assertEquals(Long.toString(khz), setting(cpu0, "scaling_max_freq").found());
      assertEquals(
          List.of(new ManagedSetting(-1, "intel_pstate/no_turbo", "1", "1")),
          f.managedSettings(-1));
      fake.file("cpu0/cpufreq/scaling_max_freq", "3500000");
      fake.file("intel_pstate/no_turbo", "0");
      ManagedSetting max = setting(f.managedSettings(0), "scaling_max_freq");
      assertTrue(max.drifted());
      f.reapply(max);
      assertEquals(Long.toString(khz), fake.read("cpu0/cpufreq/scaling_max_freq"));
      ManagedSetting noTurbo = f.managedSettings(-1).get(0);
      assertTrue(noTurbo.drifted());
      f.adopt(noTurbo);
      assertFalse(f.managedSettings(-1).get(0).drifted());
    }
  }

  private static ManagedSetting setting(List<ManagedSetting> all, String name) {
    return all.stream().filter(s -> s.setting().equals(name)).findFirst().orElseThrow();
  }
}
