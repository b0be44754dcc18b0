package io.vmpower.core.hal;

import java.util.List;
import java.util.Objects;

/**
 * One reading of the counters the host keeps for a running VM, with no help from the guest:
 * cumulative busy (CPU) time of each vCPU in nanoseconds, and the receive counters of each of its
 * interfaces. Counters only grow while the VM runs; a restart starts them again from zero.
 *
 * @param vm the VM's name
 * @param atNanos when it was read, on the HAL's {@link Clock#nanoTime()}
 * @param vcpuTimeNanos busy time of vCPU {@code v} at index {@code v}; the array is this reading's
 *     own (callers must not change it)
 * @param interfaces the VM's interfaces that could be read
 */
public record VmCounters(
    String vm, long atNanos, long[] vcpuTimeNanos, List<InterfaceCounters> interfaces) {
  public VmCounters {
    Objects.requireNonNull(vm, "vm");
    Objects.requireNonNull(vcpuTimeNanos, "vcpuTimeNanos");
    interfaces = List.copyOf(interfaces);
  }

  public int vcpuCount() {
    return vcpuTimeNanos.length;
  }

  /** The counters of the interface with {@code mac}, or null when it has none (or is gone). */
  public InterfaceCounters find(MacAddress mac) {
    for (InterfaceCounters c : interfaces) {
      if (c.mac().equals(mac)) {
        return c;
      }
    }
    return null;
  }
}
