package io.vmpower.hal.linux.cpufreq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.FrequencyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public face: what discovery found, refusals, close and restore on real files. */
class SysfsCpuFrequenciesTest {
  static final long[] FREQS = {2_601_000, 2_600_000, 2_400_000, 2_000_000, 1_600_000, 1_200_000};

  @TempDir Path tmp;

  private FakeSysfs host() {
    return host(tmp);
  }

  /**
   * CPUs 0, 1 and 5 on acpi-cpufreq; 2 with an unknown driver, 3 without cpufreq; 4, 6 and 7
   * offline.
   */
  static FakeSysfs host(Path tmp) {
    FakeSysfs fake = new FakeSysfs(tmp).cpus("0-3,5", "0-7");
    fake.acpi(0, "ondemand", FREQS).acpi(1, "ondemand", FREQS).acpi(5, "schedutil", FREQS);
    fake.file("cpu2/cpufreq/scaling_driver", "foo_cpufreq");
    // cpu3 is online without cpufreq; cpu4, cpu6 and cpu7 are offline (no cpufreq, as the kernel)
    fake.file("cpu4/online", "0");
    return fake;
  }

  @Test
  void discoversControlledOfflineAndUncontrolledCpus() {
    FakeSysfs fake = host();
    Map<String, String> before = fake.snapshot();
    try (SysfsCpuFrequencies f = fake.open()) {
      assertEquals(CpuSet.parseList("0-1,5"), f.cpus());
      assertEquals(CpuSet.parseList("4,6-7"), f.offlineCpus());
      assertEquals(CpuSet.parseList("2-3"), f.uncontrolledCpus());
      assertTrue(f.uncontrolledReason(2).contains("unknown cpufreq driver 'foo_cpufreq'"));
      assertTrue(f.uncontrolledReason(3).contains("no cpufreq folder"));
      assertNull(f.uncontrolledReason(0));
      assertEquals(List.of(2, 3), List.copyOf(f.uncontrolledReasons().keySet()));
      assertEquals("acpi-cpufreq", f.driver(5));
      assertEquals("schedutil", f.governor(5));
      assertEquals("cpufreq sysfs at " + tmp, f.description());
      String report = f.report();
      assertTrue(report.contains("controlled: 0-1,5"), report);
      assertTrue(report.contains("offline: 4,6-7"), report);
      assertTrue(report.contains("foo_cpufreq"), report);
    }
    assertEquals(List.of(), fake.writes());
    assertEquals(before, fake.snapshot(), "discovery and close write nothing");
  }

  @Test
  void cpusOutsideTheControlledSetAreRefusedWithTheAcceptedOnes() {
    try (SysfsCpuFrequencies f = host().open()) {
      for (int cpu : new int[] {2, 3, 4, 9, -1}) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> f.setIndex(cpu, 1));
        assertTrue(e.getMessage().contains("controlled CPUs are 0-1,5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> f.table(cpu));
      }
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> f.currentIndex(2));
      assertTrue(e.getMessage().contains("foo_cpufreq"), e.getMessage());
    }
  }

  @Test
  void anIndexOutsideTheTableIsRefusedWithTheRange() {
    FakeSysfs fake = host();
    try (SysfsCpuFrequencies f = fake.open()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> f.setIndex(0, 6));
      assertEquals("CPU 0: frequency index 6 is outside its table: accepted 0-5", e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> f.setIndex(0, -1));
    }
    assertEquals(List.of(), fake.writes());
  }

  @Test
  void aRootWithoutTheOnlineListIsRefused() {
    new FakeSysfs(tmp);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SysfsCpuFrequencies(tmp));
    assertTrue(e.getMessage().contains("devices/system/cpu/online"), e.getMessage());
    assertTrue(e.getMessage().contains("ENOENT"), e.getMessage());
  }

  @Test
  void aBadOnlineListIsRefusedNamingTheFile() {
    new FakeSysfs(tmp).file("online", "0-3,x");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SysfsCpuFrequencies(tmp));
    assertTrue(e.getMessage().contains("online: '0-3,x' is not a CPU list"), e.getMessage());
  }

  @Test
  void afterCloseSettersFailAndTheTreeIsRestored() throws Exception {
    FakeSysfs fake = host();
    Map<String, String> before = fake.snapshot();
    SysfsCpuFrequencies f = fake.open();
    f.setIndex(0, 2);
    f.close();
    assertEquals(before, fake.snapshot());
    FrequencyException e = assertThrows(FrequencyException.class, () -> f.setIndex(0, 3));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    f.close();
    assertEquals(before, fake.snapshot());
  }

  @Test
  void thePublicConstructorWritesRealFilesAndRestoresThemExactly() throws Exception {
    FakeSysfs fake = new FakeSysfs(tmp).cpus("0", "0").acpi(0, "userspace", FREQS);
    fake.file("cpu0/cpufreq/scaling_setspeed", "2000000");
    Map<String, String> before = fake.snapshot();
    try (SysfsCpuFrequencies f = new SysfsCpuFrequencies(tmp)) {
      f.setIndex(0, 5);
      assertEquals("1200000\n", Files.readString(fake.path("cpu0/cpufreq/scaling_setspeed")));
      assertEquals(5, f.currentIndex(0));
      f.setIndex(0, 1);
      assertEquals("2600000\n", Files.readString(fake.path("cpu0/cpufreq/scaling_setspeed")));
    }
    assertEquals(before, fake.snapshot());
  }

  @Test
  void aMissingOrBrokenFileFailsForRealNamingFileAndReason() {
    FakeSysfs fake = new FakeSysfs(tmp).cpus("0-1", "0-1");
    fake.acpi(0, "userspace", FREQS).acpi(1, "userspace", FREQS);
    fake.remove("cpu0/cpufreq/scaling_setspeed");
    fake.replaceByDirectory("cpu1/cpufreq/scaling_setspeed");
    try (SysfsCpuFrequencies f = new SysfsCpuFrequencies(tmp)) {
      FrequencyException e = assertThrows(FrequencyException.class, () -> f.setIndex(0, 2));
      assertTrue(
          e.getMessage().contains(fake.path("cpu0/cpufreq/scaling_setspeed") + " "),
          e.getMessage());
      assertTrue(e.getMessage().contains("ENOENT"), e.getMessage());
      e = assertThrows(FrequencyException.class, () -> f.setIndex(1, 2));
      assertTrue(e.getMessage().contains("cpu1/cpufreq/scaling_setspeed"), e.getMessage());
      assertTrue(e.getMessage().contains("EISDIR"), e.getMessage());
      assertEquals(1, e.cpu());
    }
  }
}
