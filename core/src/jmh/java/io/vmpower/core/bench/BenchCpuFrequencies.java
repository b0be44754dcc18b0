package io.vmpower.core.bench;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuCapabilities;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.FrequencyTable;

/**
 * Frequency control in plain arrays, allocation-free, so that a benchmark measures the code that
 * calls it and not the backend (the sysfs backend's cost is measured by ci/bench.sh).
 */
final class BenchCpuFrequencies implements CpuFrequencies {
  static final FrequencyTable TABLE =
      FrequencyTable.of(
          2601000, 2600000, 2400000, 2200000, 2000000, 1800000, 1600000, 1400000, 1200000);

  private final CpuSet cpus;
  private final int[] index;
  private final boolean[] turbo;
  private final CpuCapabilities caps = new CpuCapabilities(true, false);

  BenchCpuFrequencies(int count) {
    this.cpus = CpuSet.range(0, count - 1);
    this.index = new int[count];
    this.turbo = new boolean[count];
    java.util.Arrays.fill(index, 4);
    java.util.Arrays.fill(turbo, true);
  }

  @Override
  public String description() {
    return "bench arrays";
  }

  @Override
  public CpuSet cpus() {
    return cpus;
  }

  @Override
  public CpuSet offlineCpus() {
    return CpuSet.empty();
  }

  @Override
  public FrequencyTable table(int cpu) {
    return TABLE;
  }

  @Override
  public int currentIndex(int cpu) {
    return index[cpu];
  }

  @Override
  public void setIndex(int cpu, int i) {
    index[cpu] = i;
  }

  @Override
  public boolean turboEnabled(int cpu) {
    return turbo[cpu];
  }

  @Override
  public void setTurbo(int cpu, boolean enabled) {
    turbo[cpu] = enabled;
  }

  @Override
  public CpuCapabilities capabilities(int cpu) {
    return caps;
  }

  @Override
  public String driver(int cpu) {
    return "bench";
  }

  @Override
  public String governor(int cpu) {
    return "userspace";
  }

  @Override
  public CpuSet relatedCpus(int cpu) {
    return CpuSet.of(cpu);
  }

  @Override
  public void restore() {}

  @Override
  public void close() {}
}
