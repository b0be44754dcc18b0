package io.vmpower.hal.sim;

import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.VmCounters;
import io.vmpower.core.hal.VmStatistics;
import java.util.Collection;
import java.util.Map;

/**
 * What a {@link SimulatedHost} measures of its VMs: vCPU busy time from the loads set by scenario
 * or {@link SimulatedHost#load}, and packets from {@link SimulatedHost#packetRate}, integrated over
 * the simulated clock. One call reads every VM named. Fails while the simulated hypervisor is
 * unreachable, as libvirt's statistics do when its connection is lost.
 */
public final class SimulatedVmStatistics implements VmStatistics {
  private final SimulatedHost host;

  public SimulatedVmStatistics(SimulatedHost host) {
    this.host = host;
  }

  @Override
  public String description() {
    return "simulated (vCPU load and packet rates over the simulated clock)";
  }

  @Override
  public Map<String, VmCounters> read(Collection<String> vms) throws HypervisorException {
    return host.countersChecked(vms);
  }
}
