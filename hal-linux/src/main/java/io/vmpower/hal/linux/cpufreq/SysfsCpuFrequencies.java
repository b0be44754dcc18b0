package io.vmpower.hal.linux.cpufreq;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuCapabilities;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.hal.ManagedSetting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU frequency control through the kernel's cpufreq sysfs files, one backend per CPU chosen from
 * its {@code cpufreq/scaling_driver}: {@link SysfsAcpiCpufreq} (acpi-cpufreq), {@link
 * SysfsIntelPstate} (intel_pstate, intel_cpufreq) and {@link SysfsAmdPstate} (amd-pstate,
 * cppc_cpufreq).
 *
 * <p>The root stands for {@code /sys}: real use passes {@code /sys}, tests a folder of plain files.
 * What the CPUs are (online, offline, uncontrolled and why, drivers, tables, related CPUs,
 * capabilities) is discovered once, at construction, by {@link SysfsCpuTopology} and logged as
 * {@link #report()}; this class reads and writes through the backends found there.
 *
 * <p>Every write is preceded by saving the file's original; {@link #restore()} writes the originals
 * back (host-wide files first, then newest first) and {@link #close()} restores and closes the
 * files. After close, setters fail. Methods for CPUs that are not {@link #cpus()} throw {@link
 * IllegalArgumentException} naming the CPUs that are; so does an index outside the table.
 */
public final class SysfsCpuFrequencies implements CpuFrequencies {
  private static final Logger LOG = LoggerFactory.getLogger(SysfsCpuFrequencies.class);

  private final SysfsFiles files;
  private final SysfsJournal journal = new SysfsJournal();
  private final SysfsCpuTopology topology;
  private volatile boolean closed;

  /**
   * Probes the cpufreq files under {@code sysfsRoot} (the folder that stands for {@code /sys}).
   *
   * @throws IllegalArgumentException when {@code devices/system/cpu/online} cannot be read there
   */
  public SysfsCpuFrequencies(Path sysfsRoot) {
    this(sysfsRoot, defaultFactory(sysfsRoot));
  }

  /** The seam for tests: {@code factory} opens every file this instance reads or writes. */
  SysfsCpuFrequencies(Path sysfsRoot, SysfsFileFactory factory) {
    this.files = new SysfsFiles(factory);
    this.topology = new SysfsCpuTopology(sysfsRoot, files, journal);
    LOG.info("{}", report());
  }

  private static SysfsFileFactory defaultFactory(Path sysfsRoot) {
    boolean truncate = !onSysfs(SysfsCpuTopology.cpuRoot(sysfsRoot));
    return path -> new SysfsChannelFile(path, truncate);
  }

  /** Whether {@code path} is on a real sysfs; when unknown, assume it is (never truncate). */
  private static boolean onSysfs(Path path) {
    try {
      return "sysfs".equals(Files.getFileStore(path).type());
    } catch (IOException e) {
      return true;
    }
  }

  private SysfsCpuControl control(int cpu) {
    SysfsCpuControl control = topology.control(cpu);
    if (control == null) {
      CpuSet controlled = topology.controlled();
      String reason = topology.reasons().get(cpu);
      throw new IllegalArgumentException(
          "CPU "
              + cpu
              + " is not controlled by "
              + description()
              + (reason != null ? " (" + reason + ")" : "")
              + ": controlled CPUs are "
              + (controlled.isEmpty() ? "none" : controlled.toListString()));
    }
    return control;
  }

  @Override
  public String description() {
    return "cpufreq sysfs at " + topology.root();
  }

  @Override
  public CpuSet cpus() {
    return topology.controlled();
  }

  @Override
  public CpuSet offlineCpus() {
    return topology.offline();
  }

  /** Online CPUs this backend cannot control (see {@link #uncontrolledReason(int)}). */
  public CpuSet uncontrolledCpus() {
    return topology.uncontrolled();
  }

  /** Why an online CPU is not controlled, or null when it is (or is not online). */
  public String uncontrolledReason(int cpu) {
    return topology.reasons().get(cpu);
  }

  /** Every uncontrolled CPU with its reason, in CPU order. */
  public Map<Integer, String> uncontrolledReasons() {
    return topology.reasons();
  }

  @Override
  public FrequencyTable table(int cpu) {
    return control(cpu).table();
  }

  @Override
  public int currentIndex(int cpu) {
    return control(cpu).currentIndex();
  }

  @Override
  public void setIndex(int cpu, int index) throws FrequencyException {
    SysfsCpuControl c = control(cpu);
    checkOpen(cpu);
    c.setIndex(index);
  }

  @Override
  public boolean turboEnabled(int cpu) {
    return control(cpu).turboEnabled();
  }

  @Override
  public void setTurbo(int cpu, boolean enabled) throws FrequencyException {
    SysfsCpuControl c = control(cpu);
    checkOpen(cpu);
    c.setTurbo(enabled);
  }

  private void checkOpen(int cpu) throws FrequencyException {
    if (closed) {
      throw new FrequencyException(cpu, description() + " is closed: no more changes");
    }
  }

  @Override
  public CpuCapabilities capabilities(int cpu) {
    control(cpu);
    return topology.capabilities(cpu);
  }

  @Override
  public String driver(int cpu) {
    return control(cpu).driver();
  }

  /**
   * The governor now in {@code scaling_governor}, re-read; {@code unknown (reason)} if unreadable.
   */
  @Override
  public String governor(int cpu) {
    control(cpu);
    Path file = topology.cpuDir(cpu).resolve("cpufreq").resolve("scaling_governor");
    try {
      return files.get(file).read();
    } catch (IOException e) {
      return "unknown (" + SysfsErrors.reason(e) + ")";
    }
  }

  @Override
  public CpuSet relatedCpus(int cpu) {
    control(cpu);
    return topology.related(cpu);
  }

  /** Per CPU its governor and frequency files; for {@code cpu} -1 {@code intel_pstate/no_turbo}. */
  @Override
  public List<ManagedSetting> managedSettings(int cpu) {
    if (cpu < 0) {
      SysfsIntelPstateHost host = topology.intelHost();
      SysfsTrackedValue noTurbo = host == null ? null : host.noTurbo();
      ManagedSetting s = noTurbo == null ? null : noTurbo.managed();
      return s == null ? List.of() : List.of(s);
    }
    return control(cpu).managed();
  }

  @Override
  public void reapply(ManagedSetting setting) throws FrequencyException {
    checkOpen(setting.cpu());
    if (setting.cpu() < 0) {
      SysfsIntelPstateHost host = topology.intelHost();
      if (host == null || host.noTurbo() == null) {
        throw new FrequencyException(-1, "no host-wide setting " + setting.setting());
      }
      host.noTurbo().reapply();
      return;
    }
    control(setting.cpu()).reapply(setting.setting());
  }

  @Override
  public void adopt(ManagedSetting setting) {
    if (setting.cpu() < 0) {
      SysfsIntelPstateHost host = topology.intelHost();
      if (host != null && host.noTurbo() != null) {
        host.noTurbo().adopt(setting.found());
      }
      return;
    }
    control(setting.cpu()).adopt(setting.setting(), setting.found());
  }

  @Override
  public Map<String, String> settings() throws FrequencyException {
    return SysfsSettings.read(topology.root(), topology.controlled());
  }

  @Override
  public void restoreSettings(Map<String, String> settings) throws FrequencyException {
    SysfsSettings.restore(topology.root(), settings);
  }

  @Override
  public void restore() throws FrequencyException {
    List<String> failures = journal.restoreAll();
    if (!failures.isEmpty()) {
      throw new FrequencyException(
          -1,
          description()
              + ": could not restore "
              + failures.size()
              + " setting(s): "
              + String.join("; ", failures));
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      restore();
    } catch (FrequencyException e) {
      LOG.error("{}", e.getMessage());
    } finally {
      files.closeAll();
    }
  }

  /** What was found, in one block for the start-up report. */
  public String report() {
    return topology.report(description());
  }

  @Override
  public String toString() {
    return description();
  }
}
