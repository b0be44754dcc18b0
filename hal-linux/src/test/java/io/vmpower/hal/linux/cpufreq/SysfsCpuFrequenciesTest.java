package io.vmpower.hal.linux.cpufreq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuCapabilities;
import io.vmpower.core.hal.FrequencyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery and the parts common to every driver. */
class SysfsCpuFrequenciesTest {
  static final long[] FREQS = {2_601_000, 2_600_000, 2_400_000, 2_000_000, 1_600_000, 1_200_000};

  @TempDir Path tmp;

  private FakeSysfs host() {
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
  void fallsBackToPossibleThenToTheCpuFolders() throws Exception {
    FakeSysfs fake = host();
    fake.remove("present").file("possible", "0-9");
    try (SysfsCpuFrequencies f = fake.open()) {
      assertEquals(CpuSet.parseList("4,6-9"), f.offlineCpus());
    }
    fake.remove("possible");
    Files.createDirectories(fake.path("cpu11"));
    Files.createDirectories(fake.path("cpufreq"));
    try (SysfsCpuFrequencies f = fake.open()) {
      assertEquals(CpuSet.parseList("4,6-7,11"), f.offlineCpus());
    }
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
  void relatedCpusFallBackFromRelatedToAffectedToSiblingsToTheCpuAlone() {
    FakeSysfs fake = new FakeSysfs(tmp).cpus("0-3", "0-3");
    for (int cpu = 0; cpu < 4; cpu++) {
      fake.acpi(cpu, "ondemand", FREQS);
    }
    fake.file("cpu0/cpufreq/related_cpus", "0-1");
    fake.remove("cpu1/cpufreq/related_cpus").file("cpu1/cpufreq/affected_cpus", "1,3");
    fake.remove("cpu2/cpufreq/related_cpus").remove("cpu2/cpufreq/affected_cpus");
    fake.file("cpu2/topology/thread_siblings_list", "2,6");
    fake.remove("cpu3/cpufreq/related_cpus").remove("cpu3/cpufreq/affected_cpus");
    try (SysfsCpuFrequencies f = fake.open()) {
      assertEquals(CpuSet.of(0, 1), f.relatedCpus(0));
      assertEquals(CpuSet.of(1, 3), f.relatedCpus(1));
      assertEquals(CpuSet.of(2, 6), f.relatedCpus(2));
      assertEquals(CpuSet.of(3), f.relatedCpus(3));
    }
  }

  @Test
  void capabilitiesShowTurboAndPriorityCoresByHighestPerf() {
    FakeSysfs fake = new FakeSysfs(tmp).cpus("0-2", "0-2");
    fake.acpi(0, "ondemand", FREQS).acpi(1, "ondemand", FREQS);
    fake.acpi(2, "ondemand", 2_600_000, 2_400_000, 1_200_000);
    fake.file("cpu0/acpi_cppc/highest_perf", "255");
    fake.file("cpu1/acpi_cppc/highest_perf", "228");
    fake.file("cpu2/acpi_cppc/highest_perf", "228");
    try (SysfsCpuFrequencies f = fake.open()) {
      assertEquals(new CpuCapabilities(true, true), f.capabilities(0));
      assertEquals(new CpuCapabilities(true, false), f.capabilities(1));
      assertEquals(new CpuCapabilities(false, false), f.capabilities(2));
    }
  }

  @Test
  void withoutHighestPerfNoCoreHasPriority() {
    try (SysfsCpuFrequencies f = host().open()) {
      assertFalse(f.capabilities(0).priorityCore());
      assertFalse(f.capabilities(5).priorityCore());
    }
  }

  @Test
  void aCpuWhoseGovernorIsMissingOrTableIsBadIsReportedNotFatal() {
    FakeSysfs fake = new FakeSysfs(tmp).cpus("0-2", "0-2");
    fake.acpi(0, "ondemand", FREQS).acpi(1, "ondemand", FREQS).acpi(2, "ondemand", FREQS);
    fake.file("cpu1/cpufreq/scaling_available_governors", "ondemand performance");
    fake.file("cpu2/cpufreq/scaling_available_frequencies", "2600000 fast 1200000");
    try (SysfsCpuFrequencies f = fake.open()) {
      assertEquals(CpuSet.of(0), f.cpus());
      assertTrue(
          f.uncontrolledReason(1).contains("governor userspace is not available"),
          f.uncontrolledReason(1));
      assertTrue(f.uncontrolledReason(2).contains("scaling_available_frequencies holds 'fast'"));
    }
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
