package io.vmpower.hal.linux.cpufreq;

import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.hal.ManagedSetting;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intel_pstate / intel_cpufreq backend: governor {@code performance}, a frequency is pinned by
 * writing it to both {@code scaling_min_freq} and {@code scaling_max_freq} (raising: max first;
 * lowering: min first, see {@link SysfsTrackedLimits}).
 *
 * <p>Choices where the platform facts are silent:
 *
 * <ul>
 *   <li>Table: the highest non-turbo frequency is {@code base_frequency} when present, else derived
 *       from {@code intel_pstate/turbo_pct} as the reference does (the lowest ratio plus (100 -
 *       turbo_pct)% of the ratio range, in 100 MHz bins), else {@code cpuinfo_max_freq}. Turbo
 *       exists when that is below {@code cpuinfo_max_freq}; then index 0 is one turbo bucket at
 *       {@code cpuinfo_max_freq} and index 1 the highest non-turbo frequency, so "max with turbo
 *       disabled = index 1" means what it says. Below it come 100 MHz steps down to {@code
 *       cpuinfo_min_freq}. (A host that starts with {@code no_turbo=1} on a kernel that then
 *       reports the non-turbo maximum as {@code cpuinfo_max_freq} shows no turbo entry.)
 *   <li>Turbo is host-wide: {@code intel_pstate/no_turbo}. {@link #turboEnabled()} reads it, {@link
 *       #setTurbo} writes 0/1 (only when different), so disabling turbo for one CPU disables it for
 *       all intel_pstate CPUs. Index 0 is refused while it is 1.
 *   <li>The current index is the entry nearest {@code scaling_max_freq}: under the performance
 *       governor the CPU runs at its max limit. After a half-done pair of writes it is therefore
 *       what the hardware runs at. The governor is set lazily, as in {@link SysfsUserspaceBackend}.
 * </ul>
 */
final class SysfsIntelPstate implements SysfsCpuControl {
  private static final Logger LOG = LoggerFactory.getLogger(SysfsIntelPstate.class);
  static final Set<String> DRIVERS = Set.of("intel_pstate", "intel_cpufreq");
  static final String GOVERNOR = "performance";

  private final int cpu;
  private final String driver;
  private final FrequencyTable table;
  private final SysfsTrackedValue governor;
  private final SysfsTrackedLimits limits;
  private final SysfsCurrentIndex current;
  private final SysfsTrackedValue noTurbo;
  private boolean lastTurbo;

  private SysfsIntelPstate(
      int cpu,
      String driver,
      FrequencyTable table,
      Path cpufreq,
      SysfsFiles files,
      SysfsJournal journal,
      SysfsIntelPstateHost host) {
    this.cpu = cpu;
    this.driver = driver;
    this.table = table;
    this.governor =
        new SysfsTrackedValue(cpu, files.get(cpufreq.resolve("scaling_governor")), journal, false);
    SysfsFile maxFreq = files.get(cpufreq.resolve("scaling_max_freq"));
    this.limits =
        new SysfsTrackedLimits(
            cpu, files.get(cpufreq.resolve("scaling_min_freq")), maxFreq, journal);
    this.current = new SysfsCurrentIndex(cpu, table, maxFreq);
    this.noTurbo = host.noTurbo();
    this.lastTurbo = table.hasTurbo();
  }

  /** Probes the CPU; fails with the reason it cannot be controlled. */
  static SysfsIntelPstate open(
      int cpu,
      String driver,
      Path cpuDir,
      SysfsFiles files,
      SysfsJournal journal,
      SysfsIntelPstateHost host)
      throws FrequencyException {
    Path cpufreq = cpuDir.resolve("cpufreq");
    files.requireGovernor(cpu, cpufreq, GOVERNOR);
    long max = files.number(cpu, cpufreq.resolve("cpuinfo_max_freq"));
    long min = files.number(cpu, cpufreq.resolve("cpuinfo_min_freq"));
    long base = files.optionalNumber(cpu, cpufreq.resolve("base_frequency"));
    FrequencyTable table = table(cpu, min, max, base, host.turboPct());
    return new SysfsIntelPstate(cpu, driver, table, cpufreq, files, journal, host);
  }

  /** The table; see the class comment. {@code base} and {@code turboPct} are -1 when unknown. */
  static FrequencyTable table(int cpu, long min, long max, long base, long turboPct)
      throws FrequencyException {
    long nonTurbo;
    if (base > 0) {
      nonTurbo = base;
    } else if (turboPct > 0 && turboPct <= 100) {
      long step = SysfsFrequencySteps.STEP_KHZ;
      long minBin = min / step;
      long maxBin = max / step;
      nonTurbo = (minBin + (100 - turboPct) * (maxBin - minBin) / 100) * step;
    } else {
      nonTurbo = max;
    }
    nonTurbo = Math.max(nonTurbo, min);
    if (nonTurbo < max) {
      return SysfsFrequencySteps.table(cpu, max, nonTurbo, min);
    }
    return SysfsFrequencySteps.table(cpu, -1, max, min);
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
    if (index == 0 && table.hasTurbo() && !turboEnabled()) {
      throw SysfsCpuControl.turboDisabled(cpu);
    }
    governor.ensure(GOVERNOR);
    try {
      limits.set(table.get(index));
    } catch (FrequencyException e) {
      governor.recheck();
      throw e;
    }
    current.written(index);
  }

  @Override
  public synchronized List<ManagedSetting> managed() {
    List<ManagedSetting> out = new ArrayList<>(3);
    ManagedSetting g = governor.managed();
    if (g != null) {
      out.add(g);
    }
    out.addAll(limits.managed());
    return out;
  }

  @Override
  public synchronized void reapply(String setting) throws FrequencyException {
    if (setting.equals(governor.settingName())) {
      governor.reapply();
    } else if (setting.equals("scaling_min_freq") || setting.equals("scaling_max_freq")) {
      governor.ensure(GOVERNOR);
      limits.reapply();
    } else {
      throw new FrequencyException(cpu, "CPU " + cpu + ": " + setting + " is not managed here");
    }
  }

  @Override
  public synchronized void adopt(String setting, String found) {
    if (setting.equals(governor.settingName())) {
      governor.adopt(found);
    } else {
      limits.adopt(setting, found);
    }
  }

  @Override
  public synchronized boolean turboEnabled() {
    if (!table.hasTurbo() || noTurbo == null) {
      return table.hasTurbo();
    }
    try {
      long value = noTurbo.file().readNumber();
      if (value >= 0) {
        lastTurbo = value == 0;
      }
    } catch (IOException e) {
      LOG.debug("CPU {}: cannot read {}: {}", cpu, noTurbo.file().path(), SysfsErrors.reason(e));
    }
    return lastTurbo;
  }

  @Override
  public synchronized void setTurbo(boolean enabled) throws FrequencyException {
    if (!table.hasTurbo()) {
      if (enabled) {
        throw SysfsCpuControl.noTurbo(cpu, table);
      }
      return;
    }
    if (noTurbo == null) {
      throw new FrequencyException(
          cpu, "CPU " + cpu + ": cannot switch turbo: intel_pstate/no_turbo does not exist");
    }
    noTurbo.writeIfDifferent(enabled ? 0 : 1);
    lastTurbo = enabled;
  }
}
