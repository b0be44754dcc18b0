package io.vmpower.hal.sim;

import io.vmpower.core.cpu.CpuSet;
import java.util.Arrays;

/**
 * The simulated host's energy: the {@link SimulatedEnergyModel} integrated over the simulated
 * clock, per package. Before anything that changes a CPU's power (a frequency, a vCPU's load, a
 * re-pin, a VM starting or stopping, a busy fraction, online or not) and before a read, the energy
 * since the last update is added at the old power. A CPU's busy fraction is the larger of what the
 * vCPUs running on it make it ({@link SimulatedLoads#cpuBusy}) and what {@link
 * SimulatedHost#setCpuBusy} set (0 unless set). An offline CPU draws nothing. Not thread-safe:
 * called under the host's lock.
 */
final class SimulatedEnergy {
  private final SimulatedEnergyModel model;
  private final SimulatedClock clock;
  private final int[] packageOf;
  private final CpuSet[] packageCpus;
  private final double[] busy;
  private final double[] fromLoads;
  private java.util.function.Consumer<double[]> loadBusy = b -> {};
  private final double[] microjoules;
  private final long range;
  private long last;

  SimulatedEnergy(
      SimulatedEnergyModel model, SimulatedClock clock, int packages, long rangeMicrojoules) {
    this.model = model;
    this.clock = clock;
    int n = model.cpuCount();
    this.packageOf = new int[n];
    java.util.BitSet[] bits = new java.util.BitSet[packages];
    for (int p = 0; p < packages; p++) {
      bits[p] = new java.util.BitSet();
    }
    for (int c = 0; c < n; c++) {
      packageOf[c] = (int) ((long) c * packages / n);
      bits[packageOf[c]].set(c);
    }
    this.packageCpus = Arrays.stream(bits).map(CpuSet::fromBitSet).toArray(CpuSet[]::new);
    this.busy = new double[n];
    this.fromLoads = new double[n];
    this.microjoules = new double[packages];
    this.range = rangeMicrojoules;
    this.last = clock.nanoTime();
  }

  SimulatedEnergyModel model() {
    return model;
  }

  int packages() {
    return microjoules.length;
  }

  CpuSet cpus(int pkg) {
    return packageCpus[pkg];
  }

  long rangeMicrojoules() {
    return range;
  }

  /**
   * Where the busy fractions the vCPUs' loads give each CPU come from (filled on each update); a
   * CPU draws at the larger of that and what {@link #busy(SimulatedCpus, int, double)} set.
   */
  void loadBusy(java.util.function.Consumer<double[]> source) {
    this.loadBusy = source;
  }

  /**
   * Adds the energy drawn since the last update, at the power each CPU had then. Every change of a
   * frequency, a load, a pinning or a VM's state calls this first, so the state now is the state
   * the whole interval had.
   */
  void update(SimulatedCpus cpus) {
    long now = clock.nanoTime();
    long dt = now - last;
    if (dt <= 0) {
      return;
    }
    last = now;
    double seconds = dt / 1e9;
    loadBusy.accept(fromLoads);
    for (int c = 0; c < busy.length; c++) {
      SimulatedCpus.Cpu cpu = cpus.get(c);
      if (cpu.online) {
        microjoules[packageOf[c]] +=
            model.watts(c, cpu.index, Math.max(busy[c], fromLoads[c])) * seconds * 1e6;
      }
    }
  }

  /** The busy fraction {@code cpu} draws at now: set, or from the loads, the larger. */
  double effectiveBusy(int cpu) {
    double[] now = new double[fromLoads.length];
    loadBusy.accept(now);
    return Math.max(busy[cpu], now[cpu]);
  }

  /** Sets the share of time {@code cpu} is busy from now on (0-1). */
  void busy(SimulatedCpus cpus, int cpu, double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException(
          "busy fraction of cpu" + cpu + " must be 0-1, got " + fraction);
    }
    update(cpus);
    busy[cpu] = fraction;
  }

  /** Energy of package {@code pkg} since the start, in µJ (not wrapped). */
  double microjoules(SimulatedCpus cpus, int pkg) {
    update(cpus);
    return microjoules[pkg];
  }

  /** The package counter as RAPL shows it: whole µJ, back to 0 at the range. */
  long counter(SimulatedCpus cpus, int pkg) {
    return (long) Math.floor(microjoules(cpus, pkg)) % range;
  }
}
