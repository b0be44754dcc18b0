package io.vmpower.hal.linux.cpufreq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuCapabilities;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery: which CPUs there are, which are controlled, and what each one is. */
class SysfsCpuTopologyTest {
  static final long[] FREQS = SysfsCpuFrequenciesTest.FREQS;

  @TempDir Path tmp;

  /** Probes {@code fake}'s tree, hands the result to {@code check}, then closes the files. */
  private static void probe(FakeSysfs fake, Consumer<SysfsCpuTopology> check) {
    SysfsFiles files = new SysfsFiles(fake.files());
    try {
      check.accept(new SysfsCpuTopology(fake.root(), files, new SysfsJournal()));
    } finally {
      files.closeAll();
    }
  }

  @Test
  void fallsBackToPossibleThenToTheCpuFolders() throws Exception {
    FakeSysfs fake = SysfsCpuFrequenciesTest.host(tmp);
    fake.remove("present").file("possible", "0-9");
    probe(fake, t -> assertEquals(CpuSet.parseList("4,6-9"), t.offline()));
    fake.remove("possible");
    Files.createDirectories(fake.path("cpu11"));
    Files.createDirectories(fake.path("cpufreq"));
    probe(fake, t -> assertEquals(CpuSet.parseList("4,6-7,11"), t.offline()));
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
    probe(
        fake,
        t -> {
          assertEquals(CpuSet.of(0, 1), t.related(0));
          assertEquals(CpuSet.of(1, 3), t.related(1));
          assertEquals(CpuSet.of(2, 6), t.related(2));
          assertEquals(CpuSet.of(3), t.related(3));
        });
  }

  @Test
  void capabilitiesShowTurboAndPriorityCoresByHighestPerf() {
    FakeSysfs fake = new FakeSysfs(tmp).cpus("0-2", "0-2");
    fake.acpi(0, "ondemand", FREQS).acpi(1, "ondemand", FREQS);
    fake.acpi(2, "ondemand", 2_600_000, 2_400_000, 1_200_000);
    fake.file("cpu0/acpi_cppc/highest_perf", "255");
    fake.file("cpu1/acpi_cppc/highest_perf", "228");
    fake.file("cpu2/acpi_cppc/highest_perf", "228");
    probe(
        fake,
        t -> {
          assertEquals(new CpuCapabilities(true, true), t.capabilities(0));
          assertEquals(new CpuCapabilities(true, false), t.capabilities(1));
          assertEquals(new CpuCapabilities(false, false), t.capabilities(2));
        });
  }

  @Test
  void withoutHighestPerfNoCoreHasPriority() {
    probe(
        SysfsCpuFrequenciesTest.host(tmp),
        t -> {
          assertFalse(t.capabilities(0).priorityCore());
          assertFalse(t.capabilities(5).priorityCore());
        });
  }

  @Test
  void aCpuWhoseGovernorIsMissingOrTableIsBadIsReportedNotFatal() {
    FakeSysfs fake = new FakeSysfs(tmp).cpus("0-2", "0-2");
    fake.acpi(0, "ondemand", FREQS).acpi(1, "ondemand", FREQS).acpi(2, "ondemand", FREQS);
    fake.file("cpu1/cpufreq/scaling_available_governors", "ondemand performance");
    fake.file("cpu2/cpufreq/scaling_available_frequencies", "2600000 fast 1200000");
    probe(
        fake,
        t -> {
          assertEquals(CpuSet.of(0), t.controlled());
          assertTrue(
              t.reasons().get(1).contains("governor userspace is not available"),
              t.reasons().get(1));
          assertTrue(t.reasons().get(2).contains("scaling_available_frequencies holds 'fast'"));
        });
  }
}
