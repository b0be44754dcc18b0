package io.vmpower.guest;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuCapabilities;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import java.util.HashMap;
import java.util.Map;

/**
 * CPUs 0..n-1 with one table, set to its lowest entry, turbo enabled when the table has it. A
 * failure can be armed for the next write; restores are counted.
 */
public final class FakeCpuFrequencies implements CpuFrequencies {
  private final FrequencyTable table;
  private final CpuSet cpus;
  private final Map<Integer, Integer> index = new HashMap<>();
  private final Map<Integer, Boolean> turbo = new HashMap<>();
  private String nextFailure;
  private int restores;

  public FakeCpuFrequencies(int n, FrequencyTable table) {
    this.table = table;
    this.cpus = CpuSet.range(0, n - 1);
    for (int i = 0; i < n; i++) {
      index.put(i, table.lowestIndex());
      turbo.put(i, table.hasTurbo());
    }
  }

  void failNextWrite(String message) {
    nextFailure = message;
  }

  int restores() {
    return restores;
  }

  @Override
  public String description() {
    return "fake";
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
    return table;
  }

  @Override
  public int currentIndex(int cpu) {
    return index.get(cpu);
  }

  @Override
  public void setIndex(int cpu, int i) throws FrequencyException {
    if (nextFailure != null) {
      String m = nextFailure;
      nextFailure = null;
      throw new FrequencyException(cpu, m);
    }
    index.put(cpu, i);
  }

  @Override
  public boolean turboEnabled(int cpu) {
    return turbo.get(cpu);
  }

  @Override
  public void setTurbo(int cpu, boolean enabled) {
    turbo.put(cpu, enabled);
  }

  @Override
  public CpuCapabilities capabilities(int cpu) {
    return new CpuCapabilities(table.hasTurbo(), cpu == 0);
  }

  @Override
  public String driver(int cpu) {
    return "acpi-cpufreq";
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
  public void restore() {
    restores++;
  }

  @Override
  public void close() {
    restore();
  }
}
