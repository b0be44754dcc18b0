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
 * @param vcpuTimeNanos busy time of vCPU {@code v} at index {@code v}: the time it ran; the array
 *     is this reading's own (callers must not change it)
 * @param vcpuWaitNanos how long vCPU {@code v} was ready to run but waited for a CPU (the host ran
 *     something else: the guest's steal time; libvirt's {@code vcpu.N.delay}); zeros where the
 *     backend cannot tell. Running plus waiting is what the vCPU wanted to run.
 * @param interfaces the VM's interfaces that could be read
 */
public record VmCounters(
    String vm,
    long atNanos,
    long[] vcpuTimeNanos,
    long[] vcpuWaitNanos,
    List<InterfaceCounters> interfaces) {
  public VmCounters {
    Objects.requireNonNull(vm, "vm");
    Objects.requireNonNull(vcpuTimeNanos, "vcpuTimeNanos");
    if (vcpuWaitNanos == null) {
      vcpuWaitNanos = new long[vcpuTimeNanos.length];
    } else if (vcpuWaitNanos.length != vcpuTimeNanos.length) {
      throw new IllegalArgumentException(
          vcpuTimeNanos.length + " vCPU times but " + vcpuWaitNanos.length + " wait times");
    }
    interfaces = List.copyOf(interfaces);
  }

  /** A reading without wait times (the backend cannot tell them). */
  public VmCounters(
      String vm, long atNanos, long[] vcpuTimeNanos, List<InterfaceCounters> interfaces) {
    this(vm, atNanos, vcpuTimeNanos, null, interfaces);
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
