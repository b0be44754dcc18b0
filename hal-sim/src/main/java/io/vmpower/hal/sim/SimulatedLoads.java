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
    CpuSet pins = vm.pinning[v] == null ? cpus.all() : vm.pinning[v];
    double best = 0;
    for (int c = pins.first(); c >= 0; c = pins.next(c + 1)) {
      SimulatedCpus.Cpu cpu = cpus.get(c);
      if (!cpu.online) {
        continue;
      }
      FrequencyTable t = cpu.table;
      long nominal = t.get(t.hasTurbo() && t.size() > 1 ? 1 : 0);
      best = Math.max(best, (double) t.get(cpu.index) / nominal);
    }
    if (best <= 0) {
      return Math.min(1, load);
    }
    return Math.min(1, load / best);
  }

  /**
   * Each pCPU's busy fraction (0-1) from the vCPUs of running VMs that have a load: a vCPU's busy
   * share ({@link #busyShare}) is spread evenly over the online pCPUs it is pinned to (all CPUs
   * when unpinned), and a pCPU is as busy as the sum of its shares, at most 1. NaN for a pCPU no
   * loaded vCPU is pinned to (the energy model then takes the busy fraction set by hand).
   */
  void pcpuBusy(Collection<SimulatedVm> vms, double[] out) {
    java.util.Arrays.fill(out, Double.NaN);
    for (SimulatedVm vm : vms) {
      if (!vm.running) {
        continue;
      }
      for (int v = 0; v < vm.vcpus(); v++) {
        if (vm.load[v] <= 0) {
          continue;
        }
        CpuSet pins = vm.pinning[v] == null ? cpus.all() : vm.pinning[v];
        int online = 0;
        for (int c = pins.first(); c >= 0; c = pins.next(c + 1)) {
          online += cpus.get(c).online ? 1 : 0;
        }
        if (online == 0) {
          continue;
        }
        double share = busyShare(vm, v) / online;
        for (int c = pins.first(); c >= 0; c = pins.next(c + 1)) {
          if (cpus.get(c).online && c < out.length) {
            out[c] = Math.min(1, (Double.isNaN(out[c]) ? 0 : out[c]) + share);
          }
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
