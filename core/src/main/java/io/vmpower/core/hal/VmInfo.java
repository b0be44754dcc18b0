package io.vmpower.core.hal;

import io.vmpower.core.cpu.CpuSet;
import java.util.List;

/**
 * What the hypervisor says of one VM. {@code pinning.get(v)} is the set of physical CPUs vCPU
 * {@code v} may run on (all host CPUs when it is not pinned).
 */
public record VmInfo(String name, VmState state, int vcpuCount, List<CpuSet> pinning) {
  public VmInfo {
    pinning = List.copyOf(pinning);
    if (pinning.size() != vcpuCount) {
      throw new IllegalArgumentException(
          "VM '" + name + "': " + vcpuCount + " vCPUs but " + pinning.size() + " pinnings");
    }
  }

  public boolean active() {
    return state.isActive();
  }
}
