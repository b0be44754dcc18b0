package io.vmpower.core.host;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.Hypervisor;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.policy.DedicatedCpus;
import io.vmpower.core.vm.Vm;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code set_pcpu_mask} and {@code set_pcpu}: which pCPUs a vCPU runs on, changed through the
 * hypervisor after checking, so the monitor's vCPU-to-pCPU translation follows.
 */
@Singleton
public final class PinningCommands {
  private static final Logger log = LoggerFactory.getLogger(PinningCommands.class);

  private final Hypervisor hypervisor;
  private final VmLookup vms;
  private final HypervisorSync sync;
  private final DedicatedCpus dedicated;

  @Inject
  public PinningCommands(
      Hypervisor hypervisor, VmLookup vms, HypervisorSync sync, DedicatedCpus dedicated) {
    this.hypervisor = hypervisor;
    this.vms = vms;
    this.sync = sync;
    this.dedicated = dedicated;
  }

  /** Without dedicated CPUs. */
  public PinningCommands(Hypervisor hypervisor, VmLookup vms, HypervisorSync sync) {
    this(hypervisor, vms, sync, null);
  }

  /** Pins vCPU {@code vcpu} of VM {@code name} to {@code pcpus}; returns the VM as it is now. */
  public VmInfo setPcpus(String name, int vcpu, CpuSet pcpus) throws CommandException {
    Vm vm = vms.added(name);
    if (vcpu < 0 || vcpu >= vm.vcpuCount()) {
      throw new CommandException(
          "vCPU "
              + vcpu
              + " does not exist (VM '"
              + name
              + "' has "
              + vm.vcpuCount()
              + " vCPUs: 0-"
              + (vm.vcpuCount() - 1)
              + ")");
    }
    if (pcpus.isEmpty()) {
      throw new CommandException("the pCPU mask is empty: name at least one pCPU");
    }
    int host;
    try {
      host = hypervisor.hostCpuCount();
    } catch (HypervisorException e) {
      throw new CommandException("cannot read the host's CPU count: " + e.getMessage(), e);
    }
    if (pcpus.last() >= host) {
      throw new CommandException(
          "pCPU " + pcpus.last() + " does not exist (host has " + host + ")");
    }
    if (dedicated != null) {
      dedicated.prepareRepin(name, pcpus); // raised before the vCPU runs there
    }
    try {
      hypervisor.pin(name, vcpu, pcpus);
    } catch (HypervisorException e) {
      throw new CommandException(
          "cannot pin vCPU " + vcpu + " of '" + name + "': " + e.getMessage(), e);
    }
    sync.refresh(name);
    log.info("vCPU {} of '{}' pinned to {}", vcpu, name, pcpus.toListString());
    return vms.fromHypervisor(name);
  }
}
