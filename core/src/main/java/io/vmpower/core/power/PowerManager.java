package io.vmpower.core.power;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.Clock;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.metrics.HostTimers;
import io.vmpower.core.metrics.LatencyRecorder;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scales physical CPUs through the {@link CpuFrequencies} backend, one CPU at a time under that
 * CPU's lock, so the CLI thread and the monitor can scale the same CPU at once without losing a
 * step. The allocation-free {@link #scale(int, ScaleOp)} and {@link #scaleAll(CpuSet, ScaleOp)}
 * serve guests; {@link #scaleReport} tells operators what changed. Each frequency write's duration
 * goes to the {@link HostTimers#frequencyWrites()} recorder.
 */
@Singleton
public final class PowerManager {
  private static final Logger log = LoggerFactory.getLogger(PowerManager.class);

  private final CpuFrequencies cpus;
  private final ReentrantLock[] locks;

  /** Per CPU, the index this power manager last set (-1: none yet); guarded by the CPU's lock. */
  private final int[] lastSet;

  private final Clock clock;
  private final LatencyRecorder writes;
  private final boolean timed;

  /** Per CPU, the relative power of each table index (see {@link PowerWeight}). */
  private final double[][] weights;

  // per CPU, guarded by its lock: ∫ weight dt in weight-nanoseconds up to weightSince
  private final double[] weightIntegral;
  private final long[] weightSince;
  private final double[] weightNow;
  private volatile boolean trackWeights;

  /**
   * The thread whose writes are deferred (the monitor during a turn), or null: see {@link #defer}.
   */
  private volatile Thread deferring;

  /** Per CPU, the index decided but not written yet (-1: none); guarded by the CPU's lock. */
  private final int[] pending;

  /** The CPUs given a pending index by the deferring thread, in order (that thread only). */
  private final int[] dirty;

  private final boolean[] isDirty;
  private int dirtyCount;

  /** A power manager that times nothing. */
  public PowerManager(CpuFrequencies cpus) {
    this(cpus, Clock.SYSTEM, HostTimers.NONE);
  }

  @Inject
  public PowerManager(CpuFrequencies cpus, Clock clock, HostTimers timers) {
    this.cpus = cpus;
    this.clock = clock;
    this.writes = timers.frequencyWrites();
    this.timed = writes != LatencyRecorder.NONE;
    int n = Math.max(cpus.cpus().last(), cpus.offlineCpus().last()) + 1;
    this.locks = new ReentrantLock[Math.max(n, 0)];
    this.lastSet = new int[locks.length];
    this.weights = new double[locks.length][];
    this.weightIntegral = new double[locks.length];
    this.weightSince = new long[locks.length];
    this.weightNow = new double[locks.length];
    this.pending = new int[locks.length];
    this.dirty = new int[locks.length];
    this.isDirty = new boolean[locks.length];
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new ReentrantLock();
      lastSet[i] = -1;
      pending[i] = -1;
    }
  }

  public CpuFrequencies frequencies() {
    return cpus;
  }

  /** Whether {@code cpu} exists and its frequency can be controlled. */
  public boolean controls(int cpu) {
    return cpu >= 0 && cpu < locks.length && cpus.cpus().contains(cpu);
  }

  /** Scales one CPU. Allocation-free unless it fails. */
  public ScaleOutcome scale(int cpu, ScaleOp op) {
    if (!controls(cpu)) {
      log.warn("scale {} of CPU {} refused: no frequency control for that CPU", op, cpu);
      return ScaleOutcome.FAILED;
    }
    ReentrantLock lock = locks[cpu];
    lock.lock();
    try {
      return apply(cpu, op);
    } catch (FrequencyException e) {
      log.warn("scale {} of CPU {} failed: {}", op, cpu, e.getMessage());
      return ScaleOutcome.FAILED;
    } finally {
      lock.unlock();
    }
  }

  /** Scales every CPU of {@code set}; the worst outcome. Allocation-free unless one fails. */
  public ScaleOutcome scaleAll(CpuSet set, ScaleOp op) {
    ScaleOutcome result = ScaleOutcome.UNCHANGED;
    int n = 0;
    for (int cpu = set.first(); cpu >= 0; cpu = set.next(cpu + 1)) {
      result = result.worst(scale(cpu, op));
      n++;
    }
    return n == 0 ? ScaleOutcome.FAILED : result;
  }

  /** Scales one CPU and reports its frequency before and after, or why it failed. */
  public CpuScaleResult scaleReport(int cpu, ScaleOp op) {
    if (!controls(cpu)) {
      return new CpuScaleResult(cpu, ScaleOutcome.FAILED, 0, 0, describeMissing(cpu));
    }
    ReentrantLock lock = locks[cpu];
    lock.lock();
    try {
      FrequencyTable table = cpus.table(cpu);
      long before = table.get(current(cpu));
      try {
        ScaleOutcome outcome = apply(cpu, op);
        return new CpuScaleResult(cpu, outcome, before, table.get(current(cpu)), null);
      } catch (FrequencyException e) {
        log.warn("scale {} of CPU {} failed: {}", op, cpu, e.getMessage());
        return new CpuScaleResult(
            cpu, ScaleOutcome.FAILED, before, table.get(current(cpu)), e.getMessage());
      }
    } finally {
      lock.unlock();
    }
  }

  /** Scales each CPU of {@code set} in order and reports each. */
  public List<CpuScaleResult> scaleReport(CpuSet set, ScaleOp op) {
    List<CpuScaleResult> results = new ArrayList<>();
    set.forEach(cpu -> results.add(scaleReport(cpu, op)));
    return results;
  }

  /** The current frequency of {@code cpu} in kHz. */
  public long currentKhz(int cpu) {
    if (!controls(cpu)) {
      throw new IllegalArgumentException(describeMissing(cpu));
    }
    ReentrantLock lock = locks[cpu];
    lock.lock();
    try {
      return cpus.table(cpu).get(current(cpu));
    } finally {
      lock.unlock();
    }
  }

  /** The lock of {@code cpu}, for {@link PowerArbiter}; the caller checked {@link #controls}. */
  ReentrantLock lock(int cpu) {
    return locks[cpu];
  }

  /**
   * The frequency in kHz this power manager last set on {@code cpu} (whoever asked: guest or
   * operator), or -1 when it has set none or the CPU is not controlled.
   */
  public long lastSetKhz(int cpu) {
    if (!controls(cpu)) {
      return -1;
    }
    ReentrantLock lock = locks[cpu];
    lock.lock();
    try {
      int index = lastSet[cpu];
      return index < 0 ? -1 : cpus.table(cpu).get(index);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes the frequency {@code cpu} is at now as the one this power manager last set (after the
   * drift check adopted a frequency set from outside). Call holding the CPU's lock ({@link
   * #locked}).
   */
  public void adoptCurrent(int cpu) {
    if (controls(cpu) && lastSet[cpu] >= 0) {
      lastSet[cpu] = current(cpu);
      if (trackWeights && weights[cpu] != null) {
        // the energy weight follows the adopted frequency from now on
        long now = clock.nanoTime();
        weightIntegral[cpu] += weightNow[cpu] * (now - weightSince[cpu]);
        weightSince[cpu] = now;
        weightNow[cpu] = weights[cpu][lastSet[cpu]];
      }
    }
  }

  /** Runs {@code action} holding {@code cpu}'s lock, so no scale of that CPU runs meanwhile. */
  public void locked(int cpu, Runnable action) {
    if (!controls(cpu)) {
      throw new IllegalArgumentException(describeMissing(cpu));
    }
    ReentrantLock lock = locks[cpu];
    lock.lock();
    try {
      action.run();
    } finally {
      lock.unlock();
    }
  }

  /** Why {@code cpu} cannot be scaled, for messages. */
  public String describeMissing(int cpu) {
    if (cpus.offlineCpus().contains(cpu)) {
      return "CPU " + cpu + " is offline";
    }
    CpuSet all = cpus.cpus();
    if (cpu < 0 || cpu > Math.max(all.last(), cpus.offlineCpus().last())) {
      return "CPU "
          + cpu
          + " does not exist (host has "
          + (Math.max(all.last(), cpus.offlineCpus().last()) + 1)
          + ")";
    }
    return "CPU " + cpu + " has no frequency control (controllable: " + all.toListString() + ")";
  }

  private ScaleOutcome apply(int cpu, ScaleOp op) throws FrequencyException {
    FrequencyTable table = cpus.table(cpu);
    boolean turboChanged = false;
    Boolean wantTurbo = ScalingPolicy.turboSetting(op);
    if (wantTurbo != null) {
      boolean hasTurbo = table.hasTurbo() || cpus.capabilities(cpu).turbo();
      if (wantTurbo && !hasTurbo) {
        throw new FrequencyException(cpu, "CPU " + cpu + " has no turbo to enable");
      }
      if (hasTurbo && cpus.turboEnabled(cpu) != wantTurbo) {
        cpus.setTurbo(cpu, wantTurbo);
        turboChanged = true;
      }
    }
    int current = current(cpu);
    int target = ScalingPolicy.targetIndex(op, table, current, cpus.turboEnabled(cpu));
    if (target == current) {
      return turboChanged ? ScaleOutcome.CHANGED : ScaleOutcome.UNCHANGED;
    }
    try {
      write(cpu, target);
    } catch (FrequencyException e) {
      if (turboChanged) {
        revertTurbo(cpu, wantTurbo);
      }
      throw e;
    }
    return ScaleOutcome.CHANGED;
  }

  /**
   * Sets the index through the backend, timing the write and keeping what was set (drift checks,
   * energy weights). {@link PowerArbiter} writes through it too. Called holding the CPU's lock.
   */
  void write(int cpu, int index) throws FrequencyException {
    if (deferring != null && deferring == Thread.currentThread()) {
      if (!isDirty[cpu]) {
        isDirty[cpu] = true;
        dirty[dirtyCount++] = cpu;
      }
      pending[cpu] = index;
      return;
    }
    writeNow(cpu, index);
    // written: what the deferring thread decided before (and this decision saw) is superseded;
    // after a failed write it stays pending, for the deferring thread's own write
    pending[cpu] = -1;
  }

  private void writeNow(int cpu, int index) throws FrequencyException {
    if (!timed) {
      cpus.setIndex(cpu, index);
    } else {
      long start = clock.nanoTime();
      try {
        cpus.setIndex(cpu, index);
      } finally {
        writes.record(clock.nanoTime() - start, 1);
      }
    }
    lastSet[cpu] = index;
    if (trackWeights) {
      long now = clock.nanoTime();
      weightIntegral[cpu] += weightNow[cpu] * (now - weightSince[cpu]);
      weightSince[cpu] = now;
      weightNow[cpu] = weights[cpu][index];
    }
  }

  /**
   * The index {@code cpu} is at: the one decided in memory and not yet written during a deferred
   * turn, else the backend's. Called holding the CPU's lock.
   */
  int current(int cpu) {
    int p = pending[cpu];
    return p >= 0 ? p : cpus.currentIndex(cpu);
  }

  // ---- write-combining: the monitor's turns

  /**
   * From now until {@link #endDeferral}, frequency writes made on the calling thread are decided in
   * memory only ({@link #current} returns them); {@link #writePending} writes each CPU once. Writes
   * from other threads go through at once and supersede what this thread decided for that CPU.
   */
  void defer() {
    deferring = Thread.currentThread();
  }

  /** Whether the calling thread's writes are deferred now. */
  boolean deferringHere() {
    return deferring == Thread.currentThread();
  }

  /** How many CPUs the deferring thread has given a pending index (some may be superseded). */
  int dirtyCount() {
    return dirtyCount;
  }

  /** The {@code i}th CPU given a pending index. */
  int dirty(int i) {
    return dirty[i];
  }

  /**
   * Writes the pending index of {@code cpu} when it differs from what the backend has (nothing when
   * a turn's requests cancelled out, or another thread wrote meanwhile); the pending index is
   * cleared either way. Called holding the CPU's lock, on the deferring thread.
   *
   * @return whether a write was attempted and failed (the backend keeps its frequency)
   */
  boolean writePending(int cpu) {
    int p = pending[cpu];
    pending[cpu] = -1;
    if (p < 0 || p == cpus.currentIndex(cpu)) {
      return false;
    }
    try {
      writeNow(cpu, p);
      return false;
    } catch (FrequencyException e) {
      log.warn("setting CPU {} to entry {} failed: {}", cpu, p, e.getMessage());
      return true;
    }
  }

  /** Ends the deferral begun by {@link #defer} (after every dirty CPU was written). */
  void endDeferral() {
    for (int i = 0; i < dirtyCount; i++) {
      isDirty[dirty[i]] = false;
    }
    dirtyCount = 0;
    deferring = null;
  }

  /**
   * From now on, keeps per CPU the integral over time of the relative power of the frequency it is
   * at ({@link PowerWeight}), advanced at each frequency write this power manager makes; read by
   * {@link #weightIntegral(int)} for the per-VM energy attribution. Idempotent.
   */
  public void trackWeights() {
    if (trackWeights) {
      return;
    }
    CpuSet all = cpus.cpus();
    for (int cpu = all.first(); cpu >= 0; cpu = all.next(cpu + 1)) {
      ReentrantLock lock = locks[cpu];
      lock.lock();
      try {
        FrequencyTable t = cpus.table(cpu);
        weights[cpu] = PowerWeight.of(t);
        weightSince[cpu] = clock.nanoTime();
        weightNow[cpu] = weights[cpu][current(cpu)];
      } finally {
        lock.unlock();
      }
    }
    trackWeights = true;
  }

  /**
   * ∫ w(f(t)) dt of {@code cpu} since {@link #trackWeights()}, in weight-nanoseconds, up to now; 0
   * when not tracked.
   */
  public double weightIntegral(int cpu) {
    if (!trackWeights || !controls(cpu) || weights[cpu] == null) {
      return 0;
    }
    ReentrantLock lock = locks[cpu];
    lock.lock();
    try {
      long now = clock.nanoTime();
      weightIntegral[cpu] += weightNow[cpu] * (now - weightSince[cpu]);
      weightSince[cpu] = now;
      return weightIntegral[cpu];
    } finally {
      lock.unlock();
    }
  }

  private void revertTurbo(int cpu, boolean wanted) {
    try {
      cpus.setTurbo(cpu, !wanted);
    } catch (FrequencyException e) {
      log.warn("could not put turbo of CPU {} back after a failed change: {}", cpu, e.getMessage());
    }
  }
}
