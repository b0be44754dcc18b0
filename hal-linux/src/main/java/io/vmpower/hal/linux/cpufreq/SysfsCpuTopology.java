package io.vmpower.hal.linux.cpufreq;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuCapabilities;
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
 * What the host's CPUs are, discovered once under a sysfs root (the folder that stands for {@code
 * /sys}): which are online, offline or uncontrollable, which driver backs each, its table, related
 * CPUs and capabilities. {@link SysfsCpuFrequencies} reads and writes frequencies through the
 * backends found here. Immutable after construction.
 *
 * <ul>
 *   <li>Online CPUs come from {@code devices/system/cpu/online} (required); the CPUs the host has
 *       from {@code present}, else {@code possible}, else the {@code cpuN} folders. Those not
 *       online are {@link #offline()} and are never touched.
 *   <li>Each online CPU gets the backend its {@code cpufreq/scaling_driver} names: {@link
 *       SysfsAcpiCpufreq} (acpi-cpufreq), {@link SysfsIntelPstate} (intel_pstate, intel_cpufreq) or
 *       {@link SysfsAmdPstate} (amd-pstate, cppc_cpufreq); the backend reads its table. A CPU
 *       without a {@code cpufreq} folder, with an unknown or unsupported driver (amd-pstate-epp),
 *       without the governor its backend needs, or with unreadable frequency files is {@link
 *       #uncontrolled()} with a {@link #reasons() reason}, not fatal.
 *   <li>{@link #related(int)}: {@code cpufreq/related_cpus}, else {@code affected_cpus}, else
 *       {@code topology/thread_siblings_list}, else the CPU alone; always including the CPU.
 *   <li>{@link #capabilities(int)}: turbo when the table has turbo; priority core when the CPU's
 *       {@code acpi_cppc/highest_perf} is above the lowest {@code highest_perf} among online CPUs
 *       (Intel SST-TF style); false when the file is missing.
 * </ul>
 */
final class SysfsCpuTopology {
  private static final Logger LOG = LoggerFactory.getLogger(SysfsCpuTopology.class);
  private static final Pattern CPU_DIR = Pattern.compile("cpu([0-9]{1,7})");

  private final Path root;
  private final Path cpuRoot;
  private final SysfsFiles files;
  private final CpuSet online;
  private final CpuSet offline;
  private final CpuSet controlled;
  private final CpuSet uncontrolled;
  private final Map<Integer, String> reasons = new TreeMap<>();
  private final SysfsCpuControl[] controls;
  private final CpuSet[] related;
  private final CpuCapabilities[] capabilities;
  private SysfsIntelPstateHost intelHost;

  /**
   * Probes the CPUs under {@code sysfsRoot}, opening every file through {@code files}; the backends
   * record their writes in {@code journal}.
   *
   * @throws IllegalArgumentException when {@code devices/system/cpu/online} cannot be read there
   */
  SysfsCpuTopology(Path sysfsRoot, SysfsFiles files, SysfsJournal journal) {
    this.root = sysfsRoot;
    this.cpuRoot = cpuRoot(sysfsRoot);
    this.files = files;
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
        controls[cpu] = openBackend(cpu, driver, cpuDir, journal, intelHost);
        ok.set(cpu);
      } catch (FrequencyException e) {
        String prefix = SysfsErrors.prefix(cpu);
        String reason = e.getMessage();
        reasons.put(cpu, reason.startsWith(prefix) ? reason.substring(prefix.length()) : reason);
      }
    }
    this.intelHost = intelHost;
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
  }

  /** {@code devices/system/cpu} under the sysfs root. */
  static Path cpuRoot(Path sysfsRoot) {
    return sysfsRoot.resolve("devices").resolve("system").resolve("cpu");
  }

  /** The host-wide intel_pstate files, or null when no CPU is driven by intel_pstate. */
  SysfsIntelPstateHost intelHost() {
    return intelHost;
  }

  Path root() {
    return root;
  }

  Path cpuDir(int cpu) {
    return cpuRoot.resolve("cpu" + cpu);
  }

  CpuSet online() {
    return online;
  }

  /** CPUs the host has that are not online. */
  CpuSet offline() {
    return offline;
  }

  /** Online CPUs with a working backend. */
  CpuSet controlled() {
    return controlled;
  }

  /** Online CPUs without one (see {@link #reasons()}). */
  CpuSet uncontrolled() {
    return uncontrolled;
  }

  /** Why each uncontrolled CPU is, in CPU order (unmodifiable). */
  Map<Integer, String> reasons() {
    return Collections.unmodifiableMap(reasons);
  }

  /** The backend of a controlled CPU; null for any other. */
  SysfsCpuControl control(int cpu) {
    return controlled.contains(cpu) ? controls[cpu] : null;
  }

  /** The related CPUs of a controlled CPU, itself included. */
  CpuSet related(int cpu) {
    return related[cpu];
  }

  CpuCapabilities capabilities(int cpu) {
    return capabilities[cpu];
  }

  /** What was found, in one block for the start-up report, headed by {@code title}. */
  String report(String title) {
    StringBuilder sb = new StringBuilder(title).append('\n');
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

  private SysfsCpuControl openBackend(
      int cpu, String driver, Path cpuDir, SysfsJournal journal, SysfsIntelPstateHost intelHost)
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

  private static String listOrNone(CpuSet set) {
    return set.isEmpty() ? "none" : set.toListString();
  }
}
