package io.vmpower.core.testing;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuCapabilities;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frequency control in memory: a table, a current index and a turbo flag per CPU, a log of every
 * write, and write failures a test can inject. Like a real backend it saves each setting before its
 * first change and puts it back in {@link #restore()}.
 *
 * <p>Shared by the tests of every module (core's test-jar) and by core's JMH benchmarks, which turn
 * off the write log and the yield ({@link #forBenchmarks()}): reads and writes then allocate
 * nothing, so a benchmark measures the code that calls the backend, not the backend.
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

  /**
   * One CPU. Reads of the index and turbo flag take no lock (acquire loads of what the last write
   * released), so they allocate nothing and cost a load; every write, and the saved values and
   * failures, are guarded by the fake's lock.
   */
  private static final class Core {
    private static final VarHandle INDEX;
    private static final VarHandle TURBO;

    static {
      try {
        MethodHandles.Lookup l = MethodHandles.lookup();
        INDEX = l.findVarHandle(Core.class, "index", int.class);
        TURBO = l.findVarHandle(Core.class, "turbo", boolean.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final FrequencyTable table;
    final CpuCapabilities capabilities;
    private int index;
    private boolean turbo;
    Integer savedIndex;
    Boolean savedTurbo;
    String indexFailure;
    String turboFailure;

    Core(FrequencyTable table, int index, boolean turbo, boolean priority) {
      this.table = table;
      this.capabilities = new CpuCapabilities(table.hasTurbo(), priority);
      this.index = index;
      this.turbo = turbo;
    }

    int index() {
      return (int) INDEX.getAcquire(this);
    }

    void index(int i) {
      INDEX.setRelease(this, i);
    }

    boolean turbo() {
      return (boolean) TURBO.getAcquire(this);
    }

    void turbo(boolean on) {
      TURBO.setRelease(this, on);
    }
  }

  /** By CPU number (null: no frequency control); replaced, never changed, when a CPU is added. */
  private volatile Core[] cores = new Core[0];

  private final List<Write> writes = new ArrayList<>();
  private volatile CpuSet online = CpuSet.empty();
  private volatile CpuSet offline = CpuSet.empty();

  /** Set by {@link #forBenchmarks()}: no write log, no yield, no lock around writes. */
  private volatile boolean benchmark;

  private String nextIndexFailure;
  private FakeClock writeClock;
  private long writeNanos;
  private int restores;
  private int restoreCalls;

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
    Core[] grown = Arrays.copyOf(cores, Math.max(cores.length, cpu + 1));
    grown[cpu] = new Core(table, index, turbo && table.hasTurbo(), priority);
    cores = grown;
    online = online.union(CpuSet.of(cpu));
    return this;
  }

  /** CPUs the host has but that are offline (no frequency control). */
  public synchronized FakeCpuFrequencies offline(int... cpus) {
    offline = CpuSet.of(cpus);
    return this;
  }

  /** Makes {@code cpus} priority cores (the capabilities of the others say they are not). */
  public synchronized FakeCpuFrequencies priority(int... cpus) {
    Core[] changed = cores.clone();
    for (int cpu : cpus) {
      Core c = core(cpu);
      Core p = new Core(c.table, c.index(), c.turbo(), true);
      p.savedIndex = c.savedIndex;
      p.savedTurbo = c.savedTurbo;
      p.indexFailure = c.indexFailure;
      p.turboFailure = c.turboFailure;
      changed[cpu] = p;
    }
    cores = changed;
    return this;
  }

  /**
   * For benchmarks: no write log (it would grow without end), no yield before an index write (a
   * system call's worth of delay) and no lock around writes, so that reads and writes allocate
   * nothing and cost about an array access. The caller must then serialise the writes to a CPU (the
   * power manager does, under the CPU's lock). Tests keep all three.
   */
  public synchronized FakeCpuFrequencies forBenchmarks() {
    benchmark = true;
    return this;
  }

  /** From now on every index write (successful or not) moves {@code clock} ahead by {@code d}. */
  public synchronized FakeCpuFrequencies writesTake(FakeClock clock, java.time.Duration d) {
    writeClock = clock;
    writeNanos = d.toNanos();
    return this;
  }

  /** From now on every index write to {@code cpu} fails with {@code reason} (e.g. EBUSY). */
  public synchronized void failIndexWrites(int cpu, String reason) {
    core(cpu).indexFailure = reason;
  }

  /** The next index write, to whichever CPU, fails with {@code reason}; later ones succeed. */
  public synchronized void failNextIndexWrite(String reason) {
    nextIndexFailure = reason;
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

  /** Every successful write so far, in order (none are kept after {@link #forBenchmarks()}). */
  public synchronized List<Write> writes() {
    return List.copyOf(writes);
  }

  /** How many settings {@link #restore()} put back. */
  public synchronized int restores() {
    return restores;
  }

  /** How many times {@link #restore()} was called ({@link #close()} calls it), changes or not. */
  public synchronized int restoreCalls() {
    return restoreCalls;
  }

  private Core core(int cpu) {
    Core[] all = cores;
    Core c = cpu >= 0 && cpu < all.length ? all[cpu] : null;
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
  public CpuSet cpus() {
    return online;
  }

  @Override
  public CpuSet offlineCpus() {
    return offline;
  }

  @Override
  public FrequencyTable table(int cpu) {
    return core(cpu).table;
  }

  @Override
  public int currentIndex(int cpu) {
    return core(cpu).index();
  }

  /**
   * Yields first (not after {@link #forBenchmarks()}), as a real write is a system call: that
   * widens the window between a caller's read and its write, so that callers not serialised per CPU
   * show up as lost steps in {@link #writes}.
   */
  @Override
  public void setIndex(int cpu, int index) throws FrequencyException {
    if (benchmark) {
      write(cpu, index);
      return;
    }
    Thread.yield();
    synchronized (this) {
      write(cpu, index);
    }
  }

  private void write(int cpu, int index) throws FrequencyException {
    if (writeClock != null) {
      writeClock.advance(java.time.Duration.ofNanos(writeNanos));
    }
    Core[] all = cores;
    Core c = cpu >= 0 && cpu < all.length ? all[cpu] : null;
    if (c == null) {
      throw new FrequencyException(cpu, "cpu" + cpu + ": no cpufreq folder (ENOENT)");
    }
    if (index < 0 || index >= c.table.size()) {
      throw new FrequencyException(
          cpu,
          "cpu" + cpu + ": index " + index + " outside 0-" + c.table.lowestIndex() + " (EINVAL)");
    }
    if (nextIndexFailure != null) {
      String reason = nextIndexFailure;
      nextIndexFailure = null;
      throw new FrequencyException(cpu, "cpu" + cpu + ": scaling_setspeed: " + reason);
    }
    if (c.indexFailure != null) {
      throw new FrequencyException(cpu, "cpu" + cpu + ": scaling_setspeed: " + c.indexFailure);
    }
    if (c.savedIndex == null) {
      c.savedIndex = c.index();
    }
    if (!benchmark) {
      writes.add(new Write(cpu, Kind.INDEX, c.index(), index));
    }
    c.index(index);
  }

  @Override
  public boolean turboEnabled(int cpu) {
    return core(cpu).turbo();
  }

  @Override
  public void setTurbo(int cpu, boolean enabled) throws FrequencyException {
    if (benchmark) {
      writeTurbo(cpu, enabled);
      return;
    }
    synchronized (this) {
      writeTurbo(cpu, enabled);
    }
  }

  private void writeTurbo(int cpu, boolean enabled) throws FrequencyException {
    Core[] all = cores;
    Core c = cpu >= 0 && cpu < all.length ? all[cpu] : null;
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
      c.savedTurbo = c.turbo();
    }
    if (!benchmark) {
      writes.add(new Write(cpu, Kind.TURBO, c.turbo() ? 1 : 0, enabled ? 1 : 0));
    }
    c.turbo(enabled);
  }

  @Override
  public CpuCapabilities capabilities(int cpu) {
    return core(cpu).capabilities;
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
    restoreCalls++;
    List<String> failures = new ArrayList<>();
    Core[] all = cores;
    for (int cpu = 0; cpu < all.length; cpu++) {
      Core c = all[cpu];
      if (c == null) {
        continue;
      }
      if (c.savedTurbo != null) {
        if (c.turboFailure != null) {
          failures.add("cpu" + cpu + " turbo: " + c.turboFailure);
        } else {
          c.turbo(c.savedTurbo);
          c.savedTurbo = null;
          restores++;
        }
      }
      if (c.savedIndex != null) {
        if (c.indexFailure != null) {
          failures.add("cpu" + cpu + " index: " + c.indexFailure);
        } else {
          c.index(c.savedIndex);
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
