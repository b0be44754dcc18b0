package io.vmpower.core.testing;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuCapabilities;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frequency control in memory: a table, a current index and a turbo flag per CPU, a log of every
 * write, and write failures a test can inject. Like a real backend it saves each setting before its
 * first change and puts it back in {@link #restore()}.
 */
public final class FakeCpuFrequencies implements CpuFrequencies {
  private static final Logger log = LoggerFactory.getLogger(FakeCpuFrequencies.class);

  /** acpi-cpufreq style: a turbo bucket 1000 kHz above 2.6 GHz, down to 1.2 GHz (9 entries). */
  public static final FrequencyTable TURBO_TABLE =
      FrequencyTable.of(
          2601000, 2600000, 2400000, 2200000, 2000000, 1800000, 1600000, 1400000, 1200000);

  /** No turbo: 2.4 GHz down to 1.2 GHz (4 entries). */
  public static final FrequencyTable PLAIN_TABLE =
      FrequencyTable.of(2400000, 2000000, 1600000, 1200000);

  /** What a write changed. */
  public enum Kind {
    INDEX,
    TURBO
  }

  /** One write that reached the hardware: the value before and after (turbo as 0 or 1). */
  public record Write(int cpu, Kind kind, int before, int after) {}

  private static final class Core {
    final FrequencyTable table;
    final boolean priority;
    int index;
    boolean turbo;
    Integer savedIndex;
    Boolean savedTurbo;
    String indexFailure;
    String turboFailure;

    Core(FrequencyTable table, int index, boolean turbo, boolean priority) {
      this.table = table;
      this.index = index;
      this.turbo = turbo;
      this.priority = priority;
    }
  }

  private final Map<Integer, Core> cores = new TreeMap<>();
  private final List<Write> writes = new ArrayList<>();
  private CpuSet online = CpuSet.empty();
  private CpuSet offline = CpuSet.empty();
  private int restores;

  /**
   * CPUs 0 to {@code count - 1}, each with {@code table} at {@code index}, turbo on if it has it.
   */
  public static FakeCpuFrequencies uniform(int count, FrequencyTable table, int index) {
    FakeCpuFrequencies f = new FakeCpuFrequencies();
    for (int cpu = 0; cpu < count; cpu++) {
      f.add(cpu, table, index);
    }
    return f;
  }

  /** Adds a controllable CPU; turbo starts enabled when its table has a turbo bucket. */
  public FakeCpuFrequencies add(int cpu, FrequencyTable table, int index) {
    return add(cpu, table, index, table.hasTurbo(), false);
  }

  public synchronized FakeCpuFrequencies add(
      int cpu, FrequencyTable table, int index, boolean turbo, boolean priority) {
    if (index < 0 || index >= table.size()) {
      throw new IllegalArgumentException("index " + index + " outside table " + table);
    }
    cores.put(cpu, new Core(table, index, turbo && table.hasTurbo(), priority));
    online = online.union(CpuSet.of(cpu));
    return this;
  }

  /** CPUs the host has but that are offline (no frequency control). */
  public synchronized FakeCpuFrequencies offline(int... cpus) {
    offline = CpuSet.of(cpus);
    return this;
  }

  /** From now on every index write to {@code cpu} fails with {@code reason} (e.g. EBUSY). */
  public synchronized void failIndexWrites(int cpu, String reason) {
    core(cpu).indexFailure = reason;
  }

  /** From now on every turbo write to {@code cpu} fails with {@code reason}. */
  public synchronized void failTurboWrites(int cpu, String reason) {
    core(cpu).turboFailure = reason;
  }

  /** Writes to {@code cpu} succeed again. */
  public synchronized void healWrites(int cpu) {
    Core c = core(cpu);
    c.indexFailure = null;
    c.turboFailure = null;
  }

  /** Every successful write so far, in order. */
  public synchronized List<Write> writes() {
    return List.copyOf(writes);
  }

  /** How many times {@link #restore()} put something back. */
  public synchronized int restores() {
    return restores;
  }

  private Core core(int cpu) {
    Core c = cores.get(cpu);
    if (c == null) {
      throw new IllegalArgumentException("CPU " + cpu + " has no frequency control in this fake");
    }
    return c;
  }

  @Override
  public String description() {
    return "fake";
  }

  @Override
  public synchronized CpuSet cpus() {
    return online;
  }

  @Override
  public synchronized CpuSet offlineCpus() {
    return offline;
  }

  @Override
  public synchronized FrequencyTable table(int cpu) {
    return core(cpu).table;
  }

  @Override
  public synchronized int currentIndex(int cpu) {
    return core(cpu).index;
  }

  /**
   * Yields first, as a real write is a system call: that widens the window between a caller's read
   * and its write, so that callers not serialised per CPU show up as lost steps in {@link #writes}.
   */
  @Override
  public void setIndex(int cpu, int index) throws FrequencyException {
    Thread.yield();
    synchronized (this) {
      write(cpu, index);
    }
  }

  private void write(int cpu, int index) throws FrequencyException {
    Core c = cores.get(cpu);
    if (c == null) {
      throw new FrequencyException(cpu, "cpu" + cpu + ": no cpufreq folder (ENOENT)");
    }
    if (index < 0 || index >= c.table.size()) {
      throw new FrequencyException(
          cpu,
          "cpu" + cpu + ": index " + index + " outside 0-" + c.table.lowestIndex() + " (EINVAL)");
    }
    if (c.indexFailure != null) {
      throw new FrequencyException(cpu, "cpu" + cpu + ": scaling_setspeed: " + c.indexFailure);
    }
    if (c.savedIndex == null) {
      c.savedIndex = c.index;
    }
    writes.add(new Write(cpu, Kind.INDEX, c.index, index));
    c.index = index;
  }

  @Override
  public synchronized boolean turboEnabled(int cpu) {
    return core(cpu).turbo;
  }

  @Override
  public synchronized void setTurbo(int cpu, boolean enabled) throws FrequencyException {
    Core c = cores.get(cpu);
    if (c == null) {
      throw new FrequencyException(cpu, "cpu" + cpu + ": no cpufreq folder (ENOENT)");
    }
    if (enabled && !c.table.hasTurbo()) {
      throw new FrequencyException(cpu, "cpu" + cpu + " has no turbo to enable");
    }
    if (c.turboFailure != null) {
      throw new FrequencyException(cpu, "cpu" + cpu + ": turbo: " + c.turboFailure);
    }
    if (c.savedTurbo == null) {
      c.savedTurbo = c.turbo;
    }
    writes.add(new Write(cpu, Kind.TURBO, c.turbo ? 1 : 0, enabled ? 1 : 0));
    c.turbo = enabled;
  }

  @Override
  public synchronized CpuCapabilities capabilities(int cpu) {
    Core c = core(cpu);
    return new CpuCapabilities(c.table.hasTurbo(), c.priority);
  }

  @Override
  public String driver(int cpu) {
    return "fake";
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
  public synchronized void restore() throws FrequencyException {
    List<String> failures = new ArrayList<>();
    for (Map.Entry<Integer, Core> e : cores.entrySet()) {
      Core c = e.getValue();
      if (c.savedTurbo != null) {
        if (c.turboFailure != null) {
          failures.add("cpu" + e.getKey() + " turbo: " + c.turboFailure);
        } else {
          c.turbo = c.savedTurbo;
          c.savedTurbo = null;
          restores++;
        }
      }
      if (c.savedIndex != null) {
        if (c.indexFailure != null) {
          failures.add("cpu" + e.getKey() + " index: " + c.indexFailure);
        } else {
          c.index = c.savedIndex;
          c.savedIndex = null;
          restores++;
        }
      }
    }
    if (!failures.isEmpty()) {
      throw new FrequencyException(-1, "could not restore: " + String.join("; ", failures));
    }
  }

  @Override
  public void close() {
    try {
      restore();
    } catch (FrequencyException e) {
      log.warn("{}", e.getMessage());
    }
  }
}
