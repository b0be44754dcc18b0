package io.vmpower.hal.linux.cpufreq;

import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import java.nio.file.Path;

/**
 * The amd-pstate (passive or guided mode) and cppc_cpufreq backend: governor {@code userspace},
 * writes {@code scaling_setspeed}. See {@link SysfsUserspaceBackend} for the shared behaviour.
 *
 * <p>The table has no list in sysfs and is built in 100 MHz steps between {@code scaling_min_freq}
 * and {@code scaling_max_freq} (each falling back to {@code cpuinfo_min_freq} / {@code
 * cpuinfo_max_freq} when missing), so the operator's limits bound it. Turbo (AMD boost) exists when
 * {@code acpi_cppc/highest_perf} is above {@code acpi_cppc/nominal_perf}; then index 0 is the top
 * of the range and index 1 the nominal frequency, from {@code acpi_cppc/nominal_freq} (MHz) or,
 * when that file is missing, the top scaled by nominal_perf / highest_perf and rounded down to 100
 * MHz. A nominal frequency that is not inside the range means no turbo entry.
 *
 * <p>amd-pstate-epp (active mode) is not driven: it offers no {@code userspace} governor. The CPU
 * is reported as uncontrolled with that reason.
 */
final class SysfsAmdPstate extends SysfsUserspaceBackend {
  static final String AMD_PSTATE = "amd-pstate";
  static final String AMD_PSTATE_EPP = "amd-pstate-epp";

  /** The kernel names the driver {@code cppc_cpufreq}; the reference spells it with a dash. */
  static final String CPPC = "cppc_cpufreq";

  static final String CPPC_DASHED = "cppc-cpufreq";

  private SysfsAmdPstate(
      int cpu,
      String driver,
      FrequencyTable table,
      Path cpufreqDir,
      SysfsFiles files,
      SysfsJournal journal) {
    super(cpu, driver, table, cpufreqDir, files, journal);
  }

  static boolean handles(String driver) {
    return AMD_PSTATE.equals(driver) || CPPC.equals(driver) || CPPC_DASHED.equals(driver);
  }

  /** The reason amd-pstate-epp CPUs are left alone. */
  static String eppReason() {
    return "driver "
        + AMD_PSTATE_EPP
        + " (active EPP mode) is not supported: it has no userspace governor;"
        + " boot with amd_pstate=passive or amd_pstate=guided to let vmpower set frequencies";
  }

  /** Probes the CPU; fails with the reason it cannot be controlled. */
  static SysfsAmdPstate open(
      int cpu, String driver, Path cpuDir, SysfsFiles files, SysfsJournal journal)
      throws FrequencyException {
    Path cpufreq = cpuDir.resolve("cpufreq");
    files.requireGovernor(cpu, cpufreq, GOVERNOR);
    long low = files.optionalNumber(cpu, cpufreq.resolve("scaling_min_freq"));
    if (low < 0) {
      low = files.number(cpu, cpufreq.resolve("cpuinfo_min_freq"));
    }
    long high = files.optionalNumber(cpu, cpufreq.resolve("scaling_max_freq"));
    if (high < 0) {
      high = files.number(cpu, cpufreq.resolve("cpuinfo_max_freq"));
    }
    Path cppc = cpuDir.resolve("acpi_cppc");
    long highestPerf = files.optionalNumber(cpu, cppc.resolve("highest_perf"));
    long nominalPerf = files.optionalNumber(cpu, cppc.resolve("nominal_perf"));
    long nominalMhz = files.optionalNumber(cpu, cppc.resolve("nominal_freq"));
    long turbo = -1;
    long top = high;
    if (highestPerf > 0 && nominalPerf > 0 && highestPerf > nominalPerf) {
      long nominal =
          nominalMhz > 0
              ? nominalMhz * 1000
              : high
                  * nominalPerf
                  / highestPerf
                  / SysfsFrequencySteps.STEP_KHZ
                  * SysfsFrequencySteps.STEP_KHZ;
      if (nominal >= low && nominal < high) {
        turbo = high;
        top = nominal;
      }
    }
    FrequencyTable table = SysfsFrequencySteps.table(cpu, turbo, top, low);
    return new SysfsAmdPstate(cpu, driver, table, cpufreq, files, journal);
  }
}
