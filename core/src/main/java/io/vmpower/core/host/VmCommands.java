package io.vmpower.core.host;

import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code add_vm}, {@code rm_vm}, {@code set_query}: which VMs the host manages. Each does what it
 * says or throws a {@link CommandException} that says what was wrong, having changed nothing.
 */
@Singleton
public final class VmCommands {
  private static final Logger log = LoggerFactory.getLogger(VmCommands.class);

  private final VmRegistry registry;
  private final VmLookup vms;

  @Inject
  public VmCommands(VmRegistry registry, VmLookup vms) {
    this.registry = registry;
    this.vms = vms;
  }

  /** {@code add_vm}: the hypervisor must know the VM (it need not run). */
  public VmInfo addVm(String name) throws CommandException {
    checkName(name);
    if (registry.find(name).isPresent()) {
      throw new CommandException("VM '" + name + "' is already added");
    }
    VmInfo info = vms.fromHypervisor(name);
    registry.add(new Vm(info));
    log.info("VM '{}' added: {} vCPUs, {}", name, info.vcpuCount(), info.state());
    return info;
  }

  /** {@code rm_vm}: only once its channels are removed ({@code rm_channels VM all}). */
  public void rmVm(String name) throws CommandException {
    Vm vm = vms.added(name);
    if (!vm.channels().isEmpty()) {
      throw new CommandException(
          "VM '"
              + name
              + "' has channels "
              + Numbers.join(new ArrayList<>(vm.channels().keySet()))
              + ": remove them first with rm_channels "
              + name
              + " all");
    }
    registry.remove(name);
    log.info("VM '{}' removed", name);
  }

  /** {@code set_query}: allow or forbid the VM's frequency and capability queries. */
  public void setQuery(String name, boolean enabled) throws CommandException {
    vms.added(name).queryEnabled(enabled);
  }

  private static void checkName(String name) throws CommandException {
    if (name == null
        || name.isEmpty()
        || name.length() > 255
        || name.contains("/")
        || name.chars().anyMatch(Character::isISOControl)) {
      throw new CommandException(
          "'" + name + "' is not a valid VM name: non-empty, no '/', no control characters");
    }
  }
}
