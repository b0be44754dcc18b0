package io.vmpower.core.host;

import io.vmpower.core.hal.Hypervisor;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * Finds a VM by name, among the added ones or from the hypervisor, or fails with an error that
 * names those that exist. Every command group looks VMs up here.
 */
@Singleton
public final class VmLookup {
  private final Hypervisor hypervisor;
  private final VmRegistry registry;

  @Inject
  public VmLookup(Hypervisor hypervisor, VmRegistry registry) {
    this.hypervisor = hypervisor;
    this.registry = registry;
  }

  /** The added VM {@code name}, or an error naming the added ones. */
  public Vm added(String name) throws CommandException {
    Optional<Vm> vm = registry.find(name);
    if (vm.isEmpty()) {
      List<String> known = registry.names();
      throw new CommandException(
          "Unknown VM '"
              + name
              + "' ("
              + (known.isEmpty()
                  ? "no VM added yet: use add_vm NAME"
                  : "known: " + Numbers.join(known))
              + ")");
    }
    return vm.get();
  }

  /** The added VMs' names, sorted. */
  public List<String> addedNames() {
    return registry.names();
  }

  /** What the hypervisor says of VM {@code name}, or an error naming the VMs it has. */
  public VmInfo fromHypervisor(String name) throws CommandException {
    try {
      Optional<VmInfo> info = hypervisor.lookup(name);
      if (info.isEmpty()) {
        List<String> known = hypervisorNames();
        throw new CommandException(
            "Unknown VM '"
                + name
                + "': the hypervisor has no such VM"
                + (known.isEmpty() ? "" : " (it has: " + Numbers.join(known) + ")"));
      }
      return info.get();
    } catch (HypervisorException e) {
      throw new CommandException(
          "cannot ask the hypervisor about '" + name + "': " + e.getMessage(), e);
    }
  }

  /** The names the hypervisor knows, for completion; empty when it cannot say. */
  public List<String> hypervisorNames() {
    try {
      return hypervisor.vmNames();
    } catch (HypervisorException e) {
      return List.of();
    }
  }
}
