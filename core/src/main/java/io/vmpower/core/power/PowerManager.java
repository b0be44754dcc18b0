package io.vmpower.core.power;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
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
 * serve guests; {@link #scaleReport} tells operators what changed.
 */
@Singleton
public final class PowerManager {
  private static final Logger log = LoggerFactory.getLogger(PowerManager.class);

  private final CpuFrequencies cpus;
  private final ReentrantLock[] locks;

  @Inject
  public PowerManager(CpuFrequencies cpus) {
    this.cpus = cpus;
    int n = Math.max(cpus.cpus().last(), cpus.offlineCpus().last()) + 1;
    this.locks = new ReentrantLock[Math.max(n, 0)];
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new ReentrantLock();
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
      long before = table.get(cpus.currentIndex(cpu));
      try {
        ScaleOutcome outcome = apply(cpu, op);
        return new CpuScaleResult(cpu, outcome, before, table.get(cpus.currentIndex(cpu)), null);
      } catch (FrequencyException e) {
        log.warn("scale {} of CPU {} failed: {}", op, cpu, e.getMessage());
        return new CpuScaleResult(
            cpu, ScaleOutcome.FAILED, before, table.get(cpus.currentIndex(cpu)), e.getMessage());
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
      return cpus.table(cpu).get(cpus.currentIndex(cpu));
    } finally {
      lock.unlock();
    }
  }

  /** The lock of {@code cpu}, for {@link PowerArbiter}; the caller checked {@link #controls}. */
  ReentrantLock lock(int cpu) {
    return locks[cpu];
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
    int current = cpus.currentIndex(cpu);
    int target = ScalingPolicy.targetIndex(op, table, current, cpus.turboEnabled(cpu));
    if (target == current) {
      return turboChanged ? ScaleOutcome.CHANGED : ScaleOutcome.UNCHANGED;
    }
    try {
      cpus.setIndex(cpu, target);
    } catch (FrequencyException e) {
      if (turboChanged) {
        revertTurbo(cpu, wantTurbo);
      }
      throw e;
    }
    return ScaleOutcome.CHANGED;
  }

  private void revertTurbo(int cpu, boolean wanted) {
    try {
      cpus.setTurbo(cpu, !wanted);
    } catch (FrequencyException e) {
      log.warn("could not put turbo of CPU {} back after a failed change: {}", cpu, e.getMessage());
    }
  }
}
