package io.vmpower.core.hal;

import io.vmpower.core.cpu.CpuSet;
import java.util.List;

/**
 * What the hypervisor says of one VM. {@code pinning.get(v)} is the set of physical CPUs vCPU
 * {@code v} may run on (all host CPUs when it is not pinned); {@code interfaces} are its network
 * interfaces (MAC address and host device), as its definition names them.
 */
public record VmInfo(
    String name, VmState state, int vcpuCount, List<CpuSet> pinning, List<VmInterface> interfaces) {
  public VmInfo {
    pinning = List.copyOf(pinning);
    interfaces = List.copyOf(interfaces);
    if (pinning.size() != vcpuCount) {
      throw new IllegalArgumentException(
          "VM '" + name + "': " + vcpuCount + " vCPUs but " + pinning.size() + " pinnings");
    }
  }

  /** A VM without network interfaces. */
  public VmInfo(String name, VmState state, int vcpuCount, List<CpuSet> pinning) {
    this(name, state, vcpuCount, pinning, List.of());
  }

  public boolean active() {
    return state.isActive();
  }

  /** The interface with {@code mac}, or null. */
  public VmInterface interfaceOf(MacAddress mac) {
    for (VmInterface i : interfaces) {
      if (i.mac().equals(mac)) {
        return i;
      }
    }
    return null;
  }
}
