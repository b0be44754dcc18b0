package io.vmpower.hal.linux.cpufreq;

import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.hal.ManagedSetting;
import java.util.List;

/**
 * Frequency control of one CPU by one cpufreq driver: the small internal interface behind which
 * {@link SysfsAcpiCpufreq}, {@link SysfsIntelPstate} and {@link SysfsAmdPstate} sit. Calls for one
 * CPU are serialised by the power manager; implementations are still safe against a concurrent
 * restore.
 */
interface SysfsCpuControl {

  /** The kernel driver name, as {@code scaling_driver} gave it. */
  String driver();

  /** The governor this backend sets before its first write. */
  String governorNeeded();

  /** The CPU's table, highest first; the same instance on every call. */
  FrequencyTable table();

  /** The index the hardware is at now, re-read from sysfs (the last known one if unreadable). */
  int currentIndex();

  void setIndex(int index) throws FrequencyException;

  boolean turboEnabled();

  void setTurbo(boolean enabled) throws FrequencyException;

  /** The settings of this CPU the backend manages, as last written and as found now. */
  List<ManagedSetting> managed();

  /** Writes {@code setting} as last written again. */
  void reapply(String setting) throws FrequencyException;

  /** Takes {@code found} as what {@code setting} was last given. */
  void adopt(String setting, String found);

  /** Fails on an index outside the table, naming the accepted range. */
  static void checkIndex(int cpu, FrequencyTable table, int index) {
    if (index < 0 || index >= table.size()) {
      throw new IllegalArgumentException(
          "CPU "
              + cpu
              + ": frequency index "
              + index
              + " is outside its table: accepted 0-"
              + table.lowestIndex());
    }
  }

  /** The failure for index 0 (the turbo bucket) while turbo is disabled. */
  static FrequencyException turboDisabled(int cpu) {
    return new FrequencyException(
        cpu,
        "CPU "
            + cpu
            + ": index 0 is the turbo entry and turbo is disabled on this CPU: use index 1"
            + " or enable turbo first");
  }

  /** The failure for enabling turbo on a CPU whose table has none. */
  static FrequencyException noTurbo(int cpu, FrequencyTable table) {
    return new FrequencyException(
        cpu, "CPU " + cpu + " has no turbo to enable (its frequencies: " + table + ")");
  }
}
