package io.vmpower.hal.linux.cpufreq;

import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import java.nio.file.Path;

/**
 * The acpi-cpufreq backend: governor {@code userspace}, table from {@code
 * scaling_available_frequencies} (turbo is the highest entry when it is exactly 1000 kHz above the
 * next), writes {@code scaling_setspeed}. See {@link SysfsUserspaceBackend} for the shared
 * behaviour.
 */
final class SysfsAcpiCpufreq extends SysfsUserspaceBackend {
  static final String DRIVER = "acpi-cpufreq";

  private SysfsAcpiCpufreq(
      int cpu, FrequencyTable table, Path cpufreqDir, SysfsFiles files, SysfsJournal journal) {
    super(cpu, DRIVER, table, cpufreqDir, files, journal);
  }

  /** Probes the CPU; fails with the reason it cannot be controlled. */
  static SysfsAcpiCpufreq open(int cpu, Path cpuDir, SysfsFiles files, SysfsJournal journal)
      throws FrequencyException {
    Path cpufreq = cpuDir.resolve("cpufreq");
    files.requireGovernor(cpu, cpufreq, GOVERNOR);
    Path available = cpufreq.resolve("scaling_available_frequencies");
    FrequencyTable table = parseTable(cpu, available, files.text(cpu, available));
    return new SysfsAcpiCpufreq(cpu, table, cpufreq, files, journal);
  }

  /** Parses the space separated kHz list strictly. */
  static FrequencyTable parseTable(int cpu, Path file, String text) throws FrequencyException {
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      throw new FrequencyException(
          cpu, "CPU " + cpu + ": " + file + " is empty: expected frequencies in kHz");
    }
    String[] parts = trimmed.split("\\s+");
    long[] khz = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      khz[i] = SysfsFiles.parsePositive(parts[i]);
      if (khz[i] <= 0) {
        throw new FrequencyException(
            cpu,
            "CPU "
                + cpu
                + ": "
                + file
                + " holds '"
                + parts[i]
                + "': expected positive frequencies in kHz separated by spaces");
      }
    }
    return FrequencyTable.of(khz);
  }
}
