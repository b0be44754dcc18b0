package io.vmpower.hal.sim;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuCapabilities;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.hal.ManagedSetting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frequency control of a {@link SimulatedHost}'s CPUs. Behaves like the sysfs backends: before the
 * first write to a CPU it saves the index, turbo flag and governor, and sets the governor the
 * driver needs ({@code userspace}, or {@code performance} for intel_pstate); {@link #restore()}
 * puts them back. {@link #setTurbo} changes only the turbo flag. Queries and {@link #setIndex} do
 * not allocate (unless they fail).
 */
public final class SimulatedCpuFrequencies implements CpuFrequencies {
  private static final Logger log = LoggerFactory.getLogger(SimulatedCpuFrequencies.class);

  private final SimulatedHost host;
  private final SimulatedCpus cpus;
  private final String description;
  // what was there before our first write, per CPU; guarded by host.lock
  private final boolean[] saved;
  private final int[] savedIndex;
  private final boolean[] savedTurbo;
  private final String[] savedGovernor;
  // what this backend last wrote, per CPU (-1 / null: nothing since the last restore)
  private final int[] writtenIndex;
  private final String[] writtenGovernor;

  public SimulatedCpuFrequencies(SimulatedHost host) {
    this.host = host;
    this.cpus = host.cpus;
    int n = cpus.count();
    this.description = "simulated (" + n + " CPUs)";
    saved = new boolean[n];
    savedIndex = new int[n];
    savedTurbo = new boolean[n];
    savedGovernor = new String[n];
    writtenIndex = new int[n];
    java.util.Arrays.fill(writtenIndex, -1);
    writtenGovernor = new String[n];
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public CpuSet cpus() {
    return cpus.online();
  }

  @Override
  public CpuSet offlineCpus() {
    return cpus.offline();
  }

  @Override
  public FrequencyTable table(int cpu) {
    return cpus.get(cpu).table;
  }

  @Override
  public int currentIndex(int cpu) {
    host.lock.lock();
    try {
      return cpus.get(cpu).index;
    } finally {
      host.lock.unlock();
    }
  }

  @Override
  public void setIndex(int cpu, int index) throws FrequencyException {
    host.lock.lock();
    try {
      SimulatedCpus.Cpu c = cpus.require(cpu);
      if (index < 0 || index >= c.table.size()) {
        throw new FrequencyException(
            cpu,
            "cpu"
                + cpu
                + ": write "
                + c.frequencyFile()
                + " failed: EINVAL (index "
                + index
                + " is not in the table, 0-"
                + c.table.lowestIndex()
                + ")");
      }
      cpus.checkWrite(c, false);
      saveBeforeFirstWrite(c);
      cpus.writeIndex(c, index);
      writtenIndex[cpu] = index;
    } finally {
      host.lock.unlock();
    }
  }

  @Override
  public boolean turboEnabled(int cpu) {
    host.lock.lock();
    try {
      return cpus.get(cpu).turbo;
    } finally {
      host.lock.unlock();
    }
  }

  @Override
  public void setTurbo(int cpu, boolean enabled) throws FrequencyException {
    host.lock.lock();
    try {
      SimulatedCpus.Cpu c = cpus.require(cpu);
      if (!c.table.hasTurbo()) {
        if (enabled) {
          throw new FrequencyException(
              cpu, "cpu" + cpu + ": cannot enable turbo: its table has none (" + c.table + ")");
        }
        return;
      }
      cpus.checkWrite(c, true);
      saveBeforeFirstWrite(c);
      c.turbo = enabled;
    } finally {
      host.lock.unlock();
    }
  }

  @Override
  public CpuCapabilities capabilities(int cpu) {
    return cpus.get(cpu).capabilities;
  }

  @Override
  public String driver(int cpu) {
    return cpus.get(cpu).driver;
  }

  @Override
  public String governor(int cpu) {
    host.lock.lock();
    try {
      return cpus.get(cpu).governor;
    } finally {
      host.lock.unlock();
    }
  }

  @Override
  public CpuSet relatedCpus(int cpu) {
    return cpus.get(cpu).related;
  }

  /** {@code cpuN.index}, {@code cpuN.turbo} and {@code cpuN.governor} of every online CPU. */
  @Override
  public Map<String, String> settings() {
    Map<String, String> out = new TreeMap<>();
    host.lock.lock();
    try {
      for (int cpu = 0; cpu < saved.length; cpu++) {
        SimulatedCpus.Cpu c = cpus.get(cpu);
        if (!c.online) {
          continue;
        }
        out.put("cpu" + cpu + ".index", Integer.toString(c.index));
        out.put("cpu" + cpu + ".turbo", Boolean.toString(c.turbo));
        out.put("cpu" + cpu + ".governor", c.governor);
      }
    } finally {
      host.lock.unlock();
    }
    return out;
  }

  @Override
  public void restoreSettings(Map<String, String> settings) throws FrequencyException {
    host.lock.lock();
    try {
      for (Map.Entry<String, String> e : settings.entrySet()) {
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("cpu([0-9]{1,7})\\.(index|turbo|governor)")
                .matcher(e.getKey());
        if (!m.matches() || Integer.parseInt(m.group(1)) >= saved.length) {
          throw new FrequencyException(
              -1, "state file: '" + e.getKey() + "' is not a setting of this simulated host");
        }
      }
      for (Map.Entry<String, String> e : settings.entrySet()) {
        String[] parts = e.getKey().split("\\.");
        SimulatedCpus.Cpu c = cpus.require(Integer.parseInt(parts[0].substring(3)));
        switch (parts[1]) {
          case "index" -> cpus.writeIndex(c, Integer.parseInt(e.getValue()));
          case "turbo" -> c.turbo = Boolean.parseBoolean(e.getValue());
          default -> c.governor = e.getValue();
        }
      }
    } catch (NumberFormatException e) {
      throw new FrequencyException(-1, "state file: bad number: " + e.getMessage());
    } finally {
      host.lock.unlock();
    }
  }

  @Override
  public void restore() throws FrequencyException {
    List<FrequencyException> failures = new ArrayList<>();
    host.lock.lock();
    try {
      for (int cpu = 0; cpu < saved.length; cpu++) {
        if (!saved[cpu]) {
          continue;
        }
        try {
          SimulatedCpus.Cpu c = cpus.require(cpu);
          cpus.checkWrite(c, false);
          cpus.writeIndex(c, savedIndex[cpu]);
          c.turbo = savedTurbo[cpu];
          c.governor = savedGovernor[cpu];
          saved[cpu] = false;
          writtenIndex[cpu] = -1;
          writtenGovernor[cpu] = null;
        } catch (FrequencyException e) {
          failures.add(e);
        }
      }
    } finally {
      host.lock.unlock();
    }
    if (failures.isEmpty()) {
      return;
    }
    FrequencyException all =
        new FrequencyException(
            failures.size() == 1 ? failures.get(0).cpu() : -1,
            "restore failed on "
                + failures.size()
                + (failures.size() == 1 ? " CPU: " : " CPUs: ")
                + failures.stream().map(Throwable::getMessage).collect(Collectors.joining("; ")));
    failures.forEach(all::addSuppressed);
    throw all;
  }

  @Override
  public void close() {
    try {
      restore();
    } catch (FrequencyException e) {
      log.warn("{}", e.getMessage());
    }
  }

  private void saveBeforeFirstWrite(SimulatedCpus.Cpu c) {
    int cpu = c.number;
    if (saved[cpu]) {
      return;
    }
    saved[cpu] = true;
    savedIndex[cpu] = c.index;
    savedTurbo[cpu] = c.turbo;
    savedGovernor[cpu] = c.governor;
    c.governor = c.controlGovernor();
    writtenGovernor[cpu] = c.governor;
  }

  /**
   * The CPU's governor and frequency file (as the sysfs backend of its driver names them: {@code
   * scaling_setspeed}, or {@code scaling_max_freq} for intel_pstate) once written.
   */
  @Override
  public List<ManagedSetting> managedSettings(int cpu) {
    if (cpu < 0) {
      return List.of();
    }
    host.lock.lock();
    try {
      SimulatedCpus.Cpu c = cpus.get(cpu);
      List<ManagedSetting> out = new ArrayList<>(2);
      if (writtenGovernor[cpu] != null) {
        out.add(new ManagedSetting(cpu, "scaling_governor", writtenGovernor[cpu], c.governor));
      }
      if (writtenIndex[cpu] >= 0) {
        out.add(
            new ManagedSetting(
                cpu,
                c.frequencyFile(),
                Long.toString(c.table.get(writtenIndex[cpu])),
                Long.toString(c.table.get(c.index))));
      }
      return out;
    } finally {
      host.lock.unlock();
    }
  }

  @Override
  public void reapply(ManagedSetting setting) throws FrequencyException {
    host.lock.lock();
    try {
      int cpu = setting.cpu();
      SimulatedCpus.Cpu c = cpus.require(cpu);
      if (setting.setting().equals("scaling_governor") && writtenGovernor[cpu] != null) {
        c.governor = writtenGovernor[cpu];
      } else if (setting.setting().equals(c.frequencyFile()) && writtenIndex[cpu] >= 0) {
        cpus.checkWrite(c, false);
        cpus.writeIndex(c, writtenIndex[cpu]);
      } else {
        throw new FrequencyException(
            cpu, "cpu" + cpu + ": " + setting.setting() + " is not managed by this backend");
      }
    } finally {
      host.lock.unlock();
    }
  }

  @Override
  public void adopt(ManagedSetting setting) {
    host.lock.lock();
    try {
      int cpu = setting.cpu();
      SimulatedCpus.Cpu c = cpus.get(cpu);
      if (setting.setting().equals("scaling_governor") && writtenGovernor[cpu] != null) {
        writtenGovernor[cpu] = c.governor;
      } else if (setting.setting().equals(c.frequencyFile()) && writtenIndex[cpu] >= 0) {
        writtenIndex[cpu] = c.index;
      }
    } finally {
      host.lock.unlock();
    }
  }
}
