package io.vmpower.hal.linux.cpufreq;

import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.hal.ManagedSetting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What acpi-cpufreq, amd-pstate and cppc_cpufreq share: the {@code userspace} governor and one
 * write of {@code scaling_setspeed} per change.
 *
 * <ul>
 *   <li>The governor is set lazily, on the first write to the CPU, not at construction: a CPU no
 *       guest asks about keeps the operator's governor. Restore puts the original back either way.
 *   <li>The governor is checked once; after a failed write it is read again on the next attempt
 *       (someone may have switched it, which makes {@code scaling_setspeed} refuse writes).
 *   <li>The original {@code scaling_setspeed} is saved after the governor switch (under another
 *       governor the kernel shows {@code <unsupported>}, which cannot be written back); restore
 *       writes it back before the governor.
 *   <li>Turbo is an in-memory flag per CPU, as in the reference: it starts enabled when the table
 *       has turbo and writes nothing; while it is off, index 0 (the turbo entry) is refused.
 *   <li>The current index is {@code scaling_setspeed} when it holds a number (our governor is
 *       active), else {@code scaling_cur_freq}, mapped to the nearest entry. When neither can be
 *       read, the last known index is returned (0 before anything was read) and a warning logged.
 * </ul>
 */
abstract class SysfsUserspaceBackend implements SysfsCpuControl {
  static final String GOVERNOR = "userspace";

  private final int cpu;
  private final String driver;
  private final FrequencyTable table;
  private final SysfsTrackedValue governor;
  private final SysfsTrackedValue setspeed;
  private final SysfsCurrentIndex current;
  private boolean turbo;

  SysfsUserspaceBackend(
      int cpu,
      String driver,
      FrequencyTable table,
      Path cpufreqDir,
      SysfsFiles files,
      SysfsJournal journal) {
    this.cpu = cpu;
    this.driver = driver;
    this.table = table;
    this.governor =
        new SysfsTrackedValue(
            cpu, files.get(cpufreqDir.resolve("scaling_governor")), journal, false);
    this.setspeed =
        new SysfsTrackedValue(
            cpu, files.get(cpufreqDir.resolve("scaling_setspeed")), journal, true);
    this.current =
        new SysfsCurrentIndex(
            cpu, table, setspeed.file(), files.get(cpufreqDir.resolve("scaling_cur_freq")));
    this.turbo = table.hasTurbo();
  }

  @Override
  public String driver() {
    return driver;
  }

  @Override
  public String governorNeeded() {
    return GOVERNOR;
  }

  @Override
  public FrequencyTable table() {
    return table;
  }

  @Override
  public synchronized int currentIndex() {
    return current.read();
  }

  @Override
  public synchronized void setIndex(int index) throws FrequencyException {
    SysfsCpuControl.checkIndex(cpu, table, index);
    if (index == 0 && table.hasTurbo() && !turbo) {
      throw SysfsCpuControl.turboDisabled(cpu);
    }
    governor.ensure(GOVERNOR);
    try {
      setspeed.write(table.get(index));
    } catch (FrequencyException e) {
      governor.recheck();
      throw e;
    }
    current.written(index);
  }

  @Override
  public synchronized List<ManagedSetting> managed() {
    List<ManagedSetting> out = new ArrayList<>(2);
    ManagedSetting g = governor.managed();
    if (g != null) {
      out.add(g);
    }
    ManagedSetting speed = setspeed.managed();
    if (speed != null) {
      out.add(speed);
    }
    return out;
  }

  @Override
  public synchronized void reapply(String setting) throws FrequencyException {
    if (setting.equals(governor.settingName())) {
      governor.reapply();
    } else if (setting.equals(setspeed.settingName())) {
      governor.ensure(GOVERNOR);
      setspeed.reapply();
    } else {
      throw new FrequencyException(cpu, "CPU " + cpu + ": " + setting + " is not managed here");
    }
  }

  @Override
  public synchronized void adopt(String setting, String found) {
    if (setting.equals(governor.settingName())) {
      governor.adopt(found);
    } else if (setting.equals(setspeed.settingName())) {
      setspeed.adopt(found);
      long khz = SysfsFiles.parsePositive(found);
      if (khz > 0) {
        current.written(table.nearestIndex(khz));
      }
    }
  }

  @Override
  public synchronized boolean turboEnabled() {
    return turbo;
  }

  @Override
  public synchronized void setTurbo(boolean enabled) throws FrequencyException {
    if (!table.hasTurbo()) {
      if (enabled) {
        throw SysfsCpuControl.noTurbo(cpu, table);
      }
      return;
    }
    turbo = enabled;
  }
}
