package io.vmpower.core.power;

import io.vmpower.core.vm.Vm;
import java.util.Arrays;

/**
 * The demands of the VMs on one physical CPU: per VM, the index in the CPU's table it asks for
 * (already within its cap), who set it and when; and whether the CPU is parked (dedicated to VMs
 * and used by none). Guarded by the CPU's lock in {@link PowerManager}; allocation-free except when
 * a VM makes its first demand on a CPU that has no room left.
 */
final class CpuDemands {
  private Vm[] vms = new Vm[2];
  private int[] index = new int[2];
  private DemandSource[] source = new DemandSource[2];
  private long[] atNanos = new long[2];
  private int count;
  boolean parked;

  /** The lowest index demanded (-1: none) and how many slots demand it: kept as slots change. */
  private int best = -1;

  private int bestCount;

  int count() {
    return count;
  }

  /** The slot of {@code vm}, or -1. */
  int slot(Vm vm) {
    for (int i = 0; i < count; i++) {
      if (vms[i] == vm) {
        return i;
      }
    }
    return -1;
  }

  /** A new slot for {@code vm} (which has none), set to {@code idx}. */
  int add(Vm vm, int idx, DemandSource src, long now) {
    if (count == vms.length) {
      int n = count * 2;
      vms = Arrays.copyOf(vms, n);
      index = Arrays.copyOf(index, n);
      source = Arrays.copyOf(source, n);
      atNanos = Arrays.copyOf(atNanos, n);
    }
    int slot = count++;
    vms[slot] = vm;
    index[slot] = idx;
    source[slot] = src;
    atNanos[slot] = now;
    added(idx);
    return slot;
  }

  void set(int slot, int idx, DemandSource src, long now) {
    int old = index[slot];
    index[slot] = idx;
    source[slot] = src;
    atNanos[slot] = now;
    if (old != idx) {
      added(idx);
      removed(old);
    }
  }

  void remove(int slot) {
    int old = index[slot];
    int last = --count;
    vms[slot] = vms[last];
    index[slot] = index[last];
    source[slot] = source[last];
    atNanos[slot] = atNanos[last];
    vms[last] = null;
    source[last] = null;
    removed(old);
  }

  private void added(int idx) {
    if (best < 0 || idx < best) {
      best = idx;
      bestCount = 1;
    } else if (idx == best) {
      bestCount++;
    }
  }

  private void removed(int idx) {
    if (idx == best && --bestCount == 0) {
      best = -1;
      for (int i = 0; i < count; i++) {
        added(index[i]);
      }
    }
  }

  Vm vm(int slot) {
    return vms[slot];
  }

  int index(int slot) {
    return index[slot];
  }

  DemandSource source(int slot) {
    return source[slot];
  }

  long atNanos(int slot) {
    return atNanos[slot];
  }

  /** The highest demand (the lowest index), or -1 when no VM demands anything. Constant time. */
  int best() {
    return best;
  }
}
