package io.vmpower.core.power;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.Clock;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.vm.Vm;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides each physical CPU's frequency from the demands made on it, and writes only what changes.
 *
 * <p>Guest requests and policy evaluations do not write a CPU directly: each sets its VM's demand
 * on the CPU (an index in the CPU's table, first clamped by the VM's cap); the CPU's frequency is
 * then decided in memory ({@link #decide}) and written only when the decision differs from what the
 * CPU runs at. The rules (docs/policies.md):
 *
 * <ul>
 *   <li>The highest demand wins. Each VM has one demand per CPU: the latest of its guest's requests
 *       and its policy's evaluations.
 *   <li>A guest's up/down steps from its own demand when another VM's demand wins on that CPU, else
 *       (its demand wins, or it has none) from the CPU's current frequency: on a CPU used by one VM
 *       with no policy and no cap, a request does exactly what it did before demands existed.
 *   <li>A cap ({@code set_vm_cap}) clamps the VM's demands; it never lowers another VM's.
 *   <li>A CPU with no demand keeps its frequency, unless it is parked (dedicated to VMs and used by
 *       none): then it runs at its lowest.
 *   <li>Operator commands ({@code set_cpu_freq}) act on the CPU directly through the {@link
 *       PowerManager}; the CPU keeps that frequency until its next decision.
 * </ul>
 *
 * Each CPU is decided and written under the CPU's lock (the power manager's), so the monitor, the
 * policy thread, the hypervisor's event thread and the CLI may act on the same CPU at once. The
 * guest path ({@link #request}) allocates nothing once a VM has made its first demand on a CPU.
 */
@Singleton
public final class PowerArbiter {
  private static final Logger log = LoggerFactory.getLogger(PowerArbiter.class);

  /** What {@link #decide} returns when nothing is to be decided: the CPU keeps its frequency. */
  public static final int KEEP = -1;

  private final PowerManager power;
  private final CpuFrequencies cpus;
  private final Clock clock;
  private final CpuDemands[] demands;

  @Inject
  public PowerArbiter(PowerManager power, Clock clock) {
    this.power = power;
    this.cpus = power.frequencies();
    this.clock = clock;
    int n = Math.max(cpus.cpus().last(), cpus.offlineCpus().last()) + 1;
    this.demands = new CpuDemands[Math.max(n, 0)];
    for (int i = 0; i < demands.length; i++) {
      demands[i] = new CpuDemands();
    }
  }

  /** An arbiter on the system clock. */
  public PowerArbiter(PowerManager power) {
    this(power, Clock.SYSTEM);
  }

  public PowerManager power() {
    return power;
  }

  // ---- guests

  /**
   * A guest's CPU_POWER request for {@code vcpu} of {@code vm} (the caller checked the vCPU): sets
   * the VM's demand on each pCPU the vCPU is pinned to and writes the CPUs whose decision changed.
   * The worst outcome; a CPU whose write fails keeps its frequency and the VM's previous demand.
   * Allocation-free unless it fails or the VM makes its first demand on a CPU.
   */
  public ScaleOutcome request(Vm vm, int vcpu, ScaleOp op) {
    CpuSet set = vm.pinning(vcpu);
    ScaleOutcome result = ScaleOutcome.UNCHANGED;
    int n = 0;
    for (int cpu = set.first(); cpu >= 0; cpu = set.next(cpu + 1)) {
      result = result.worst(requestOn(vm, cpu, op));
      n++;
    }
    return n == 0 ? ScaleOutcome.FAILED : result;
  }

  private ScaleOutcome requestOn(Vm vm, int cpu, ScaleOp op) {
    if (!power.controls(cpu) || cpu >= demands.length) {
      log.warn("scale {} of CPU {} refused: no frequency control for that CPU", op, cpu);
      return ScaleOutcome.FAILED;
    }
    ReentrantLock lock = power.lock(cpu);
    lock.lock();
    try {
      FrequencyTable table = cpus.table(cpu);
      Boolean wantTurbo = ScalingPolicy.turboSetting(op);
      boolean turboChanged = false;
      if (wantTurbo != null) {
        boolean hasTurbo = table.hasTurbo() || cpus.capabilities(cpu).turbo();
        if (wantTurbo && !hasTurbo) {
          log.warn("scale {} of CPU {} failed: CPU {} has no turbo to enable", op, cpu, cpu);
          return ScaleOutcome.FAILED;
        }
        if (hasTurbo && cpus.turboEnabled(cpu) != wantTurbo) {
          cpus.setTurbo(cpu, wantTurbo);
          turboChanged = true;
        }
      }
      CpuDemands d = demands[cpu];
      int current = cpus.currentIndex(cpu);
      int slot = d.slot(vm);
      int base = slot < 0 || d.index(slot) <= d.best() ? current : d.index(slot);
      int target = clampToCap(vm, table, ScalingPolicy.targetIndex(op, table, base, turbo(cpu)));
      ScaleOutcome outcome = setDemand(cpu, d, vm, slot, target, DemandSource.GUEST, current);
      if (outcome == ScaleOutcome.FAILED && turboChanged) {
        revertTurbo(cpu, wantTurbo);
      }
      return outcome == ScaleOutcome.UNCHANGED && turboChanged ? ScaleOutcome.CHANGED : outcome;
    } catch (FrequencyException e) {
      log.warn("scale {} of CPU {} failed: {}", op, cpu, e.getMessage());
      return ScaleOutcome.FAILED;
    } finally {
      lock.unlock();
    }
  }

  // ---- policies

  /**
   * A policy's decision: {@code vm} demands entry {@code index} of {@code cpu}'s table (clamped to
   * the table and the VM's cap); the CPU is written when its decision changes. FAILED when the CPU
   * cannot be controlled or the write fails (the VM's previous demand is kept).
   */
  public ScaleOutcome demand(Vm vm, int cpu, int index) {
    if (!power.controls(cpu) || cpu >= demands.length) {
      return ScaleOutcome.FAILED;
    }
    ReentrantLock lock = power.lock(cpu);
    lock.lock();
    try {
      FrequencyTable table = cpus.table(cpu);
      int target = clampToCap(vm, table, Math.max(0, Math.min(index, table.lowestIndex())));
      CpuDemands d = demands[cpu];
      return setDemand(cpu, d, vm, d.slot(vm), target, DemandSource.POLICY, cpus.currentIndex(cpu));
    } finally {
      lock.unlock();
    }
  }

  /** {@link #demand} of {@code level} of the CPU's table. */
  public ScaleOutcome demand(Vm vm, int cpu, FrequencyLevel level) {
    if (!power.controls(cpu)) {
      return ScaleOutcome.FAILED;
    }
    return demand(vm, cpu, level.index(cpus.table(cpu), turbo(cpu)));
  }

  /** The index {@code vm} demands of {@code cpu} now, or -1. */
  public int demandOf(Vm vm, int cpu) {
    if (!power.controls(cpu) || cpu >= demands.length) {
      return -1;
    }
    ReentrantLock lock = power.lock(cpu);
    lock.lock();
    try {
      CpuDemands d = demands[cpu];
      int slot = d.slot(vm);
      return slot < 0 ? -1 : d.index(slot);
    } finally {
      lock.unlock();
    }
  }

  // ---- VMs that stop, move or are capped

  /** Forgets {@code vm}'s demand on {@code cpu} and decides the CPU again. */
  public ScaleOutcome release(Vm vm, int cpu) {
    if (cpu < 0 || cpu >= demands.length || !power.controls(cpu)) {
      return ScaleOutcome.UNCHANGED;
    }
    ReentrantLock lock = power.lock(cpu);
    lock.lock();
    try {
      CpuDemands d = demands[cpu];
      int slot = d.slot(vm);
      if (slot < 0) {
        return ScaleOutcome.UNCHANGED;
      }
      d.remove(slot);
      return writeDecision(cpu, d, cpus.currentIndex(cpu));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Forgets {@code vm}'s demands that {@code source} set, on every CPU outside {@code keep}, and
   * decides those CPUs again (its policy was removed or replaced, or its cap lifted).
   */
  public void releaseSource(Vm vm, DemandSource source, CpuSet keep) {
    for (int cpu = 0; cpu < demands.length; cpu++) {
      if (keep.contains(cpu) || !power.controls(cpu)) {
        continue;
      }
      ReentrantLock lock = power.lock(cpu);
      lock.lock();
      try {
        CpuDemands d = demands[cpu];
        int slot = d.slot(vm);
        if (slot >= 0 && d.source(slot) == source) {
          d.remove(slot);
          writeDecision(cpu, d, cpus.currentIndex(cpu));
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /** Forgets every demand of {@code vm} (it stopped or was removed). */
  public void releaseAll(Vm vm) {
    for (int cpu = 0; cpu < demands.length; cpu++) {
      release(vm, cpu);
    }
  }

  /** Forgets {@code vm}'s demands on CPUs none of its vCPUs is pinned to any more (re-pinned). */
  public void releaseUnpinned(Vm vm) {
    CpuSet used = pinned(vm);
    for (int cpu = 0; cpu < demands.length; cpu++) {
      if (!used.contains(cpu)) {
        release(vm, cpu);
      }
    }
  }

  /**
   * Applies {@code vm}'s cap (already set on the VM): its demands are clamped, and on each pCPU of
   * its vCPUs where it has none it demands what the CPU runs at, clamped; then each CPU is decided
   * again. Another VM's demand is never lowered.
   */
  public void applyCap(Vm vm) {
    long now = clock.nanoTime();
    CpuSet used = pinned(vm);
    for (int cpu = 0; cpu < demands.length; cpu++) {
      if (!power.controls(cpu)) {
        continue;
      }
      ReentrantLock lock = power.lock(cpu);
      lock.lock();
      try {
        CpuDemands d = demands[cpu];
        int slot = d.slot(vm);
        FrequencyTable table = cpus.table(cpu);
        int current = cpus.currentIndex(cpu);
        if (slot >= 0) {
          d.set(slot, clampToCap(vm, table, d.index(slot)), d.source(slot), d.atNanos(slot));
        } else if (used.contains(cpu) && vm.capKhz() > 0) {
          d.add(vm, clampToCap(vm, table, current), DemandSource.CAP, now);
        } else {
          continue;
        }
        writeDecision(cpu, d, current);
      } finally {
        lock.unlock();
      }
    }
  }

  // ---- CPUs nobody uses

  /**
   * Parks {@code cpu}: while no VM demands anything of it, it runs at its lowest frequency (written
   * now when it has no demand). FAILED when the write fails.
   */
  public ScaleOutcome park(int cpu) {
    if (!power.controls(cpu) || cpu >= demands.length) {
      return ScaleOutcome.FAILED;
    }
    ReentrantLock lock = power.lock(cpu);
    lock.lock();
    try {
      CpuDemands d = demands[cpu];
      d.parked = true;
      return writeDecision(cpu, d, cpus.currentIndex(cpu));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Unparks {@code cpu} and, while no VM demands anything of it, raises it to entry {@code index}
   * of its table (before a VM that will use it starts). FAILED when the write fails.
   */
  public ScaleOutcome unpark(int cpu, int index) {
    if (!power.controls(cpu) || cpu >= demands.length) {
      return ScaleOutcome.FAILED;
    }
    ReentrantLock lock = power.lock(cpu);
    lock.lock();
    try {
      CpuDemands d = demands[cpu];
      d.parked = false;
      int current = cpus.currentIndex(cpu);
      if (d.count() > 0 || index == current) {
        return writeDecision(cpu, d, current);
      }
      return write(cpu, index, current);
    } finally {
      lock.unlock();
    }
  }

  public boolean parked(int cpu) {
    if (cpu < 0 || cpu >= demands.length || !power.controls(cpu)) {
      return false;
    }
    ReentrantLock lock = power.lock(cpu);
    lock.lock();
    try {
      return demands[cpu].parked;
    } finally {
      lock.unlock();
    }
  }

  // ---- decide and write

  /**
   * The decision for {@code cpu}, in memory: the index it should run at, or {@link #KEEP}. Nothing
   * is written.
   */
  public int decide(int cpu) {
    if (!power.controls(cpu) || cpu >= demands.length) {
      return KEEP;
    }
    ReentrantLock lock = power.lock(cpu);
    lock.lock();
    try {
      return decide(cpu, demands[cpu], cpus.currentIndex(cpu));
    } finally {
      lock.unlock();
    }
  }

  /**
   * The highest demand; with none, the lowest entry when parked, else {@link #KEEP}. A CPU whose
   * turbo is disabled is not moved into the turbo bucket (it is not forced out of it either: that
   * is what disable_turbo does).
   */
  private int decide(int cpu, CpuDemands d, int current) {
    int best = d.best();
    FrequencyTable table = cpus.table(cpu);
    if (best < 0) {
      return d.parked ? table.lowestIndex() : KEEP;
    }
    if (best == 0 && current != 0 && table.hasTurbo() && !turbo(cpu)) {
      return 1;
    }
    return best;
  }

  /** Sets {@code vm}'s demand (in {@code slot}, or a new one), then decides and writes the CPU. */
  private ScaleOutcome setDemand(
      int cpu, CpuDemands d, Vm vm, int slot, int target, DemandSource source, int current) {
    long now = clock.nanoTime();
    boolean had = slot >= 0;
    int prevIndex = had ? d.index(slot) : 0;
    DemandSource prevSource = had ? d.source(slot) : null;
    long prevAt = had ? d.atNanos(slot) : 0;
    if (had) {
      d.set(slot, target, source, now);
    } else {
      slot = d.add(vm, target, source, now);
    }
    ScaleOutcome outcome = writeDecision(cpu, d, current);
    if (outcome == ScaleOutcome.FAILED) {
      if (had) {
        d.set(slot, prevIndex, prevSource, prevAt);
      } else {
        d.remove(slot);
      }
    }
    return outcome;
  }

  /** Decides {@code cpu} and writes the decision when it differs from {@code current}. */
  private ScaleOutcome writeDecision(int cpu, CpuDemands d, int current) {
    int decided = decide(cpu, d, current);
    if (decided == KEEP) {
      return ScaleOutcome.UNCHANGED;
    }
    return write(cpu, decided, current);
  }

  /** Writes {@code index} when it is not what the CPU runs at. Called holding the CPU's lock. */
  private ScaleOutcome write(int cpu, int index, int current) {
    if (index == current) {
      return ScaleOutcome.UNCHANGED;
    }
    try {
      power.write(cpu, index);
      return ScaleOutcome.CHANGED;
    } catch (FrequencyException e) {
      log.warn("setting CPU {} to entry {} failed: {}", cpu, index, e.getMessage());
      return ScaleOutcome.FAILED;
    }
  }

  // ---- views

  /** One VM's demand on one CPU, for operators. */
  public record Demand(String vm, int index, long khz, DemandSource source, long atNanos) {}

  /** A CPU's demands and what it runs at. */
  public record CpuDemandView(
      int cpu, long currentKhz, boolean parked, int decided, List<Demand> demands) {}

  /** The demands on {@code cpu}; null when the CPU cannot be controlled. */
  public CpuDemandView view(int cpu) {
    if (!power.controls(cpu) || cpu >= demands.length) {
      return null;
    }
    ReentrantLock lock = power.lock(cpu);
    lock.lock();
    try {
      CpuDemands d = demands[cpu];
      FrequencyTable table = cpus.table(cpu);
      List<Demand> list = new ArrayList<>();
      for (int i = 0; i < d.count(); i++) {
        list.add(
            new Demand(
                d.vm(i).name(), d.index(i), table.get(d.index(i)), d.source(i), d.atNanos(i)));
      }
      int current = cpus.currentIndex(cpu);
      return new CpuDemandView(
          cpu, table.get(current), d.parked, decide(cpu, d, current), List.copyOf(list));
    } finally {
      lock.unlock();
    }
  }

  /** One of a VM's demands: on which CPU, what, who set it and when. */
  public record VmDemand(int cpu, int index, long khz, DemandSource source, long atNanos) {}

  /** The demands of {@code vm}, CPU by CPU. */
  public List<VmDemand> demandsOf(Vm vm) {
    List<VmDemand> out = new ArrayList<>();
    for (int cpu = 0; cpu < demands.length; cpu++) {
      if (!power.controls(cpu)) {
        continue;
      }
      ReentrantLock lock = power.lock(cpu);
      lock.lock();
      try {
        CpuDemands d = demands[cpu];
        int slot = d.slot(vm);
        if (slot >= 0) {
          long khz = cpus.table(cpu).get(d.index(slot));
          out.add(new VmDemand(cpu, d.index(slot), khz, d.source(slot), d.atNanos(slot)));
        }
      } finally {
        lock.unlock();
      }
    }
    return out;
  }

  // ---- helpers

  private boolean turbo(int cpu) {
    return cpus.turboEnabled(cpu);
  }

  /** {@code index} moved down to the VM's cap: the highest entry not above it (else the lowest). */
  static int clampToCap(Vm vm, FrequencyTable table, int index) {
    long cap = vm.capKhz();
    if (cap <= 0) {
      return index;
    }
    return Math.max(index, capIndex(table, cap));
  }

  /** The index of the highest entry of {@code table} not above {@code capKhz} (else the lowest). */
  public static int capIndex(FrequencyTable table, long capKhz) {
    for (int i = 0; i < table.size(); i++) {
      if (table.get(i) <= capKhz) {
        return i;
      }
    }
    return table.lowestIndex();
  }

  /** Every pCPU a vCPU of {@code vm} may run on. */
  public static CpuSet pinned(Vm vm) {
    CpuSet used = CpuSet.empty();
    for (int v = 0; v < vm.vcpuCount(); v++) {
      used = used.union(vm.pinning(v));
    }
    return used;
  }

  private void revertTurbo(int cpu, boolean wanted) {
    try {
      cpus.setTurbo(cpu, !wanted);
    } catch (FrequencyException e) {
      log.warn("could not put turbo of CPU {} back after a failed change: {}", cpu, e.getMessage());
    }
  }
}
