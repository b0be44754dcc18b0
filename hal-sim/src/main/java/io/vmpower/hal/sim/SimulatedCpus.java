package io.vmpower.hal.sim;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuCapabilities;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The physical CPUs of a {@link SimulatedHost}: state, injected faults and the write log. Not
 * thread-safe by itself: every call is made holding the host's lock, except reads of final fields
 * and of the cached online/offline sets.
 */
final class SimulatedCpus {
  /** How many writes the log keeps (the oldest are dropped; the count goes on). */
  static final int LOG_LIMIT = 65_536;

  static final class Cpu {
    final int number;
    final FrequencyTable table;
    final CpuCapabilities capabilities;
    final CpuSet related;
    final String driver;
    int index;
    boolean turbo;
    String governor;
    boolean online;
    String failAlways;
    String failNext;

    Cpu(ScenarioResolver.CpuPlan plan, int number) {
      this.number = number;
      this.table = plan.table();
      this.capabilities = new CpuCapabilities(plan.table().hasTurbo(), plan.priorityCore());
      this.related = plan.related();
      this.driver = plan.driver();
      this.index = plan.index();
      this.turbo = plan.table().hasTurbo();
      this.governor = plan.governor();
      this.online = plan.online();
    }

    boolean intelPstate() {
      return driver.startsWith("intel_");
    }

    /** The sysfs file a frequency write of this driver goes to, for messages. */
    String frequencyFile() {
      return intelPstate() ? "scaling_max_freq" : "scaling_setspeed";
    }

    String turboFile() {
      return intelPstate() ? "intel_pstate/no_turbo" : "cpufreq/boost";
    }

    /** The governor a backend sets before writing (see platform-facts.md). */
    String controlGovernor() {
      return intelPstate() ? "performance" : "userspace";
    }
  }

  private final Cpu[] cpus;
  private final CpuSet all;
  private volatile CpuSet online;
  private volatile CpuSet offline;
  private int[] logCpu = new int[256];
  private int[] logIndex = new int[256];
  private int logHead;
  private int logSize;
  private long writeCount;

  /**
   * Run before a change that alters what vCPUs measure (a frequency write, a CPU going offline).
   */
  private Runnable beforeLoadChange = () -> {};

  /** Set by the host once built: told before every change of a CPU's power. */
  SimulatedEnergy energy;

  SimulatedCpus(List<ScenarioResolver.CpuPlan> plans) {
    cpus = new Cpu[plans.size()];
    for (int c = 0; c < cpus.length; c++) {
      cpus[c] = new Cpu(plans.get(c), c);
    }
    all = CpuSet.range(0, cpus.length - 1);
    recomputeOnline();
  }

  int count() {
    return cpus.length;
  }

  void beforeLoadChange(Runnable r) {
    beforeLoadChange = r;
  }

  CpuSet all() {
    return all;
  }

  CpuSet online() {
    return online;
  }

  CpuSet offline() {
    return offline;
  }

  /** The CPU, or IllegalArgumentException naming the range. */
  Cpu get(int cpu) {
    if (cpu < 0 || cpu >= cpus.length) {
      throw new IllegalArgumentException(
          "cpu" + cpu + " does not exist (host has " + cpus.length + " CPUs: 0-" + last() + ")");
    }
    return cpus[cpu];
  }

  /** The CPU, or FrequencyException naming the range. */
  Cpu require(int cpu) throws FrequencyException {
    if (cpu < 0 || cpu >= cpus.length) {
      throw new FrequencyException(
          cpu, "cpu" + cpu + ": no such CPU (host has " + cpus.length + ": 0-" + last() + ")");
    }
    return cpus[cpu];
  }

  /**
   * Checks that a frequency (or turbo) write to {@code c} can be made now: it is online and has no
   * injected fault. A one-shot fault is used up here.
   */
  void checkWrite(Cpu c, boolean turbo) throws FrequencyException {
    String file = turbo ? c.turboFile() : c.frequencyFile();
    int cpu = c.number;
    if (!c.online) {
      throw new FrequencyException(
          cpu, "cpu" + cpu + ": write " + file + " failed: ENOENT (the CPU is offline)");
    }
    if (c.failNext != null) {
      String reason = c.failNext;
      c.failNext = null;
      throw new FrequencyException(cpu, "cpu" + cpu + ": write " + file + " failed: " + reason);
    }
    if (c.failAlways != null) {
      throw new FrequencyException(
          cpu, "cpu" + cpu + ": write " + file + " failed: " + c.failAlways);
    }
  }

  /** Sets the index and logs the write. */
  void writeIndex(Cpu c, int index) {
    beforeChange();
    c.index = index;
    writeCount++;
    if (logSize == logCpu.length && logCpu.length < LOG_LIMIT) {
      growLog();
    }
    int slot = (logHead + logSize) % logCpu.length;
    logCpu[slot] = c.number;
    logIndex[slot] = index;
    if (logSize < logCpu.length) {
      logSize++;
    } else {
      logHead = (logHead + 1) % logCpu.length;
    }
  }

  long writeCount() {
    return writeCount;
  }

  List<SimulatedFrequencyWrite> writes() {
    List<SimulatedFrequencyWrite> out = new ArrayList<>(logSize);
    for (int i = 0; i < logSize; i++) {
      int slot = (logHead + i) % logCpu.length;
      int cpu = logCpu[slot];
      out.add(
          new SimulatedFrequencyWrite(cpu, logIndex[slot], cpus[cpu].table.get(logIndex[slot])));
    }
    return out;
  }

  void clearWrites() {
    logHead = 0;
    logSize = 0;
    writeCount = 0;
  }

  void setOnline(int cpu, boolean on) {
    Cpu c = get(cpu);
    if (c.online == on) {
      return;
    }
    if (!on && online.size() == 1) {
      throw new IllegalArgumentException(
          "cannot take cpu" + cpu + " offline: it is the last online CPU");
    }
    beforeChange();
    c.online = on;
    recomputeOnline();
  }

  /** Brings the vCPUs' counters and the energy up to now before a CPU's power changes. */
  void beforeChange() {
    beforeLoadChange.run();
    if (energy != null) {
      energy.update(this);
    }
  }

  /** Every write to {@code cpu} fails with {@code reason} until {@link #clearFaults()}. */
  void failAlways(int cpu, String reason) {
    get(cpu).failAlways = checkReason(reason);
  }

  /** The next write to {@code cpu} fails (once) with {@code reason}. */
  void failNext(int cpu, String reason) {
    get(cpu).failNext = checkReason(reason);
  }

  void clearFaults() {
    for (Cpu c : cpus) {
      c.failAlways = null;
      c.failNext = null;
    }
  }

  SimulatedCpuState state(int cpu) {
    Cpu c = get(cpu);
    return new SimulatedCpuState(
        cpu, c.table, c.index, c.table.get(c.index), c.turbo, c.driver, c.governor, c.online);
  }

  /** Every CPU's state, in CPU order. */
  List<SimulatedCpuState> states() {
    List<SimulatedCpuState> out = new ArrayList<>(cpus.length);
    for (int c = 0; c < cpus.length; c++) {
      out.add(state(c));
    }
    return out;
  }

  private static String checkReason(String reason) {
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("give a reason such as EBUSY, EINVAL or EACCES");
    }
    return reason;
  }

  private int last() {
    return cpus.length - 1;
  }

  private void growLog() {
    int size = Math.min(LOG_LIMIT, logCpu.length * 2);
    int[] cpu = new int[size];
    int[] index = new int[size];
    for (int i = 0; i < logSize; i++) {
      int slot = (logHead + i) % logCpu.length;
      cpu[i] = logCpu[slot];
      index[i] = logIndex[slot];
    }
    logCpu = cpu;
    logIndex = index;
    logHead = 0;
  }

  private void recomputeOnline() {
    BitSet on = new BitSet();
    for (Cpu c : cpus) {
      if (c.online) {
        on.set(c.number);
      }
    }
    CpuSet onSet = CpuSet.fromBitSet(on);
    online = onSet;
    offline = all.minus(onSet);
  }
}
