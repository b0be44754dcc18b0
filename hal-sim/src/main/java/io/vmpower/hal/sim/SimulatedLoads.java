package io.vmpower.hal.sim;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.FrequencyTable;
import java.util.Collection;

/**
 * Integrates what the simulated host measures over its clock: each vCPU's busy time and each
 * interface's packets. A vCPU's load is its busy share at the highest non-turbo frequency of its
 * pCPU; at a lower frequency the same work keeps it busier ({@code load x max / current}, at most
 * 100 %), so a policy that lowers the frequency sees the busy share rise. A vCPU pinned to several
 * pCPUs counts the fastest of them. Only running VMs accumulate. Every change that alters a rate (a
 * frequency write, a load or rate change, a re-pin, a start or stop) first integrates up to now.
 * Called holding the host's lock.
 */
final class SimulatedLoads {
  private final SimulatedCpus cpus;
  private long last;

  SimulatedLoads(SimulatedCpus cpus, long now) {
    this.cpus = cpus;
    this.last = now;
  }

  /** Adds what every running VM did since the last call, at the rates in force then. */
  void integrate(Collection<SimulatedVm> vms, long now) {
    long dt = now - last;
    if (dt <= 0) {
      return;
    }
    last = now;
    for (SimulatedVm vm : vms) {
      if (!vm.running) {
        continue;
      }
      for (int v = 0; v < vm.vcpus(); v++) {
        vm.busyNanos[v] += dt * busyShare(vm, v);
      }
      for (SimulatedInterface i : vm.interfaces) {
        i.rxPackets += i.rxPps * (dt / 1e9);
      }
    }
  }

  /** The busy share (0-1) of vCPU {@code v} of {@code vm} at the frequencies of now. */
  double busyShare(SimulatedVm vm, int v) {
    double load = vm.load[v] / 100.0;
    if (load <= 0) {
      return 0;
    }
    double best = speed(vm, v);
    if (best <= 0) {
      return Math.min(1, load);
    }
    return Math.min(1, load / best);
  }

  /**
   * The speed of vCPU {@code v} of {@code vm}: its fastest online pCPU's frequency over that CPU's
   * highest non-turbo one (0 when none is online).
   */
  double speed(SimulatedVm vm, int v) {
    int c = cpuOf(vm, v);
    if (c < 0) {
      return 0;
    }
    SimulatedCpus.Cpu cpu = cpus.get(c);
    FrequencyTable t = cpu.table;
    long nominal = t.get(t.hasTurbo() && t.size() > 1 ? 1 : 0);
    return (double) t.get(cpu.index) / nominal;
  }

  /**
   * The pCPU vCPU {@code v} of {@code vm} runs on: the fastest online one it may use (-1: none).
   */
  int cpuOf(SimulatedVm vm, int v) {
    CpuSet pins = vm.pinning[v] == null ? cpus.all() : vm.pinning[v];
    double best = 0;
    int out = -1;
    for (int c = pins.first(); c >= 0; c = pins.next(c + 1)) {
      SimulatedCpus.Cpu cpu = cpus.get(c);
      if (!cpu.online) {
        continue;
      }
      FrequencyTable t = cpu.table;
      long nominal = t.get(t.hasTurbo() && t.size() > 1 ? 1 : 0);
      double s = (double) t.get(cpu.index) / nominal;
      if (s > best) {
        best = s;
        out = c;
      }
    }
    return out;
  }

  /**
   * Fills {@code busy} with each pCPU's busy fraction from the vCPUs of the running VMs: the sum of
   * their busy shares on the pCPU each runs on ({@link #cpuOf}), at most 1.
   */
  void cpuBusy(Collection<SimulatedVm> vms, double[] busy) {
    java.util.Arrays.fill(busy, 0);
    for (SimulatedVm vm : vms) {
      if (!vm.running) {
        continue;
      }
      for (int v = 0; v < vm.vcpus(); v++) {
        double share = busyShare(vm, v);
        int c = share > 0 ? cpuOf(vm, v) : -1;
        if (c >= 0 && c < busy.length) {
          busy[c] = Math.min(1, busy[c] + share);
        }
      }
    }
  }

  /** QEMU starts again: its counters start from zero. */
  static void reset(SimulatedVm vm) {
    java.util.Arrays.fill(vm.busyNanos, 0);
    for (SimulatedInterface i : vm.interfaces) {
      i.rxPackets = 0;
    }
  }
}
