package io.vmpower.hal.linux.cpufreq;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuCapabilities;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU frequency control through the kernel's cpufreq sysfs files, one backend per CPU chosen from
 * its {@code cpufreq/scaling_driver}: {@link SysfsAcpiCpufreq} (acpi-cpufreq), {@link
 * SysfsIntelPstate} (intel_pstate, intel_cpufreq) and {@link SysfsAmdPstate} (amd-pstate,
 * cppc_cpufreq).
 *
 * <p>The root stands for {@code /sys}: real use passes {@code /sys}, tests a folder of plain files.
 * Discovery, done once here:
 *
 * <ul>
 *   <li>Online CPUs come from {@code devices/system/cpu/online} (required); the CPUs the host has
 *       from {@code present}, else {@code possible}, else the {@code cpuN} folders. Those not
 *       online are {@link #offlineCpus()} and are never touched.
 *   <li>An online CPU without a {@code cpufreq} folder, with an unknown or unsupported driver
 *       (amd-pstate-epp), without the governor its backend needs, or with unreadable frequency
 *       files is reported by {@link #uncontrolledCpus()} and {@link #uncontrolledReason(int)}, not
 *       fatal, and is not in {@link #cpus()}.
 *   <li>{@link #relatedCpus(int)}: {@code cpufreq/related_cpus}, else {@code affected_cpus}, else
 *       {@code topology/thread_siblings_list}, else the CPU alone; always including the CPU.
 *   <li>{@link #capabilities(int)}: turbo when the table has turbo; priority core when the CPU's
 *       {@code acpi_cppc/highest_perf} is above the lowest {@code highest_perf} among online CPUs
 *       (Intel SST-TF style); false when the file is missing.
 * </ul>
 *
 * <p>Every write is preceded by saving the file's original; {@link #restore()} writes the originals
 * back (host-wide files first, then newest first) and {@link #close()} restores and closes the
 * files. After close, setters fail. Methods for CPUs that are not {@link #cpus()} throw {@link
 * IllegalArgumentException} naming the CPUs that are; so does an index outside the table.
 */
public final class SysfsCpuFrequencies implements CpuFrequencies {
  private static final Logger LOG = LoggerFactory.getLogger(SysfsCpuFrequencies.class);
  private static final Pattern CPU_DIR = Pattern.compile("cpu([0-9]{1,7})");

  private final Path root;
  private final Path cpuRoot;
  private final SysfsFiles files;
  private final SysfsJournal journal = new SysfsJournal();
  private final CpuSet online;
  private final CpuSet offline;
  private final CpuSet controlled;
  private final CpuSet uncontrolled;
  private final Map<Integer, String> reasons = new TreeMap<>();
  private final SysfsCpuControl[] controls;
  private final CpuSet[] related;
  private final CpuCapabilities[] capabilities;
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
    this.root = sysfsRoot;
    this.cpuRoot = sysfsRoot.resolve("devices").resolve("system").resolve("cpu");
    this.files = new SysfsFiles(factory);
    this.online = readOnline();
    this.offline = knownCpus().minus(online);
    int size = Math.max(online.last() + 1, 0);
    this.controls = new SysfsCpuControl[size];
    this.related = new CpuSet[size];
    this.capabilities = new CpuCapabilities[size];
    BitSet ok = new BitSet();
    SysfsIntelPstateHost intelHost = null;
    for (int cpu = online.first(); cpu >= 0; cpu = online.next(cpu + 1)) {
      Path cpuDir = cpuDir(cpu);
      if (!Files.isDirectory(cpuDir.resolve("cpufreq"))) {
        reasons.put(cpu, "no cpufreq folder (" + cpuDir.resolve("cpufreq") + " is missing)");
        continue;
      }
      try {
        String driver = files.text(cpu, cpuDir.resolve("cpufreq").resolve("scaling_driver"));
        if (SysfsIntelPstate.DRIVERS.contains(driver) && intelHost == null) {
          intelHost = SysfsIntelPstateHost.open(cpuRoot, files, journal);
        }
        controls[cpu] = openBackend(cpu, driver, cpuDir, intelHost);
        ok.set(cpu);
      } catch (FrequencyException e) {
        String prefix = SysfsErrors.prefix(cpu);
        String reason = e.getMessage();
        reasons.put(cpu, reason.startsWith(prefix) ? reason.substring(prefix.length()) : reason);
      }
    }
    this.controlled = CpuSet.fromBitSet(ok);
    this.uncontrolled = online.minus(controlled);
    long[] highestPerf = readHighestPerf();
    long lowest = Long.MAX_VALUE;
    for (long p : highestPerf) {
      if (p > 0) {
        lowest = Math.min(lowest, p);
      }
    }
    for (int cpu = controlled.first(); cpu >= 0; cpu = controlled.next(cpu + 1)) {
      related[cpu] = readRelated(cpu);
      capabilities[cpu] =
          new CpuCapabilities(controls[cpu].table().hasTurbo(), highestPerf[cpu] > lowest);
    }
    LOG.info("{}", report());
  }

  private static SysfsFileFactory defaultFactory(Path sysfsRoot) {
    boolean truncate = !onSysfs(sysfsRoot.resolve("devices").resolve("system").resolve("cpu"));
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

  private SysfsCpuControl openBackend(
      int cpu, String driver, Path cpuDir, SysfsIntelPstateHost intelHost)
      throws FrequencyException {
    if (SysfsAcpiCpufreq.DRIVER.equals(driver)) {
      return SysfsAcpiCpufreq.open(cpu, cpuDir, files, journal);
    }
    if (SysfsIntelPstate.DRIVERS.contains(driver)) {
      return SysfsIntelPstate.open(cpu, driver, cpuDir, files, journal, intelHost);
    }
    if (SysfsAmdPstate.handles(driver)) {
      return SysfsAmdPstate.open(cpu, driver, cpuDir, files, journal);
    }
    if (SysfsAmdPstate.AMD_PSTATE_EPP.equals(driver)) {
      throw new FrequencyException(cpu, SysfsAmdPstate.eppReason());
    }
    throw new FrequencyException(
        cpu,
        "unknown cpufreq driver '"
            + driver
            + "' (supported: acpi-cpufreq, intel_pstate, intel_cpufreq, amd-pstate,"
            + " cppc_cpufreq)");
  }

  private CpuSet readOnline() {
    Path file = cpuRoot.resolve("online");
    try {
      return CpuSet.parseList(files.get(file).read());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read "
              + file
              + " ("
              + SysfsErrors.reason(e)
              + "): the sysfs root "
              + root
              + " must hold devices/system/cpu/online",
          e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** present, else possible, else the cpuN folders; always including the online CPUs. */
  private CpuSet knownCpus() {
    for (String name : List.of("present", "possible")) {
      Path file = cpuRoot.resolve(name);
      if (Files.exists(file)) {
        try {
          return CpuSet.parseList(files.get(file).read()).union(online);
        } catch (IOException | IllegalArgumentException e) {
          LOG.warn("ignoring {}: {}", file, e.getMessage());
        }
      }
    }
    BitSet dirs = new BitSet();
    try (Stream<Path> list = Files.list(cpuRoot)) {
      list.forEach(
          p -> {
            var m = CPU_DIR.matcher(p.getFileName().toString());
            if (m.matches() && Files.isDirectory(p)) {
              dirs.set(Integer.parseInt(m.group(1)));
            }
          });
    } catch (IOException e) {
      LOG.warn("cannot list {}: {}", cpuRoot, SysfsErrors.reason(e));
    }
    return CpuSet.fromBitSet(dirs).union(online);
  }

  private Path cpuDir(int cpu) {
    return cpuRoot.resolve("cpu" + cpu);
  }

  private CpuSet readRelated(int cpu) {
    Path dir = cpuDir(cpu);
    for (Path file :
        List.of(
            dir.resolve("cpufreq").resolve("related_cpus"),
            dir.resolve("cpufreq").resolve("affected_cpus"),
            dir.resolve("topology").resolve("thread_siblings_list"))) {
      if (Files.exists(file)) {
        try {
          CpuSet set = CpuSet.parseList(files.get(file).read());
          if (!set.isEmpty()) {
            return set.union(CpuSet.of(cpu));
          }
        } catch (IOException | IllegalArgumentException e) {
          LOG.warn("CPU {}: ignoring {}: {}", cpu, file, e.getMessage());
        }
      }
    }
    return CpuSet.of(cpu);
  }

  /** acpi_cppc/highest_perf of each online CPU, 0 where missing or unreadable. */
  private long[] readHighestPerf() {
    long[] perf = new long[controls.length];
    for (int cpu = online.first(); cpu >= 0; cpu = online.next(cpu + 1)) {
      Path file = cpuDir(cpu).resolve("acpi_cppc").resolve("highest_perf");
      if (Files.exists(file)) {
        try {
          perf[cpu] = Math.max(SysfsFiles.parsePositive(files.get(file).read()), 0);
        } catch (IOException e) {
          LOG.warn("CPU {}: cannot read {}: {}", cpu, file, SysfsErrors.reason(e));
        }
      }
    }
    return perf;
  }

  private SysfsCpuControl control(int cpu) {
    if (!controlled.contains(cpu)) {
      throw new IllegalArgumentException(
          "CPU "
              + cpu
              + " is not controlled by "
              + description()
              + (reasons.containsKey(cpu) ? " (" + reasons.get(cpu) + ")" : "")
              + ": controlled CPUs are "
              + (controlled.isEmpty() ? "none" : controlled.toListString()));
    }
    return controls[cpu];
  }

  @Override
  public String description() {
    return "cpufreq sysfs at " + root;
  }

  @Override
  public CpuSet cpus() {
    return controlled;
  }

  @Override
  public CpuSet offlineCpus() {
    return offline;
  }

  /** Online CPUs this backend cannot control (see {@link #uncontrolledReason(int)}). */
  public CpuSet uncontrolledCpus() {
    return uncontrolled;
  }

  /** Why an online CPU is not controlled, or null when it is (or is not online). */
  public String uncontrolledReason(int cpu) {
    return reasons.get(cpu);
  }

  /** Every uncontrolled CPU with its reason, in CPU order. */
  public Map<Integer, String> uncontrolledReasons() {
    return Collections.unmodifiableMap(reasons);
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
    return capabilities[cpu];
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
    Path file = cpuDir(cpu).resolve("cpufreq").resolve("scaling_governor");
    try {
      return files.get(file).read();
    } catch (IOException e) {
      return "unknown (" + SysfsErrors.reason(e) + ")";
    }
  }

  @Override
  public CpuSet relatedCpus(int cpu) {
    control(cpu);
    return related[cpu];
  }

  @Override
  public Map<String, String> settings() throws FrequencyException {
    return SysfsSettings.read(root, controlled);
  }

  @Override
  public void restoreSettings(Map<String, String> settings) throws FrequencyException {
    SysfsSettings.restore(root, settings);
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
    StringBuilder sb = new StringBuilder(description()).append('\n');
    sb.append("  controlled: ").append(listOrNone(controlled)).append('\n');
    for (int cpu = controlled.first(); cpu >= 0; cpu = controlled.next(cpu + 1)) {
      SysfsCpuControl c = controls[cpu];
      FrequencyTable t = c.table();
      sb.append("    cpu")
          .append(cpu)
          .append(": ")
          .append(c.driver())
          .append(" (sets governor ")
          .append(c.governorNeeded())
          .append("), ")
          .append(t.size())
          .append(" frequencies ")
          .append(t.get(0))
          .append(t.hasTurbo() ? " (turbo)" : "")
          .append(" .. ")
          .append(t.get(t.lowestIndex()))
          .append(" kHz, related ")
          .append(related[cpu].toListString())
          .append(capabilities[cpu].priorityCore() ? ", priority core" : "")
          .append('\n');
    }
    sb.append("  offline: ").append(listOrNone(offline)).append('\n');
    sb.append("  uncontrolled: ").append(listOrNone(uncontrolled));
    for (Map.Entry<Integer, String> e : reasons.entrySet()) {
      sb.append("\n    cpu").append(e.getKey()).append(": ").append(e.getValue());
    }
    return sb.toString();
  }

  private static String listOrNone(CpuSet set) {
    return set.isEmpty() ? "none" : set.toListString();
  }

  @Override
  public String toString() {
    return description();
  }
}
