package io.vmpower.core.vm;

/**
 * What must follow the VMs' lives besides the registry (policies, demands, dedicated CPUs), told by
 * {@code HypervisorSync} after it has refreshed its view. Called on the hypervisor's event thread;
 * must not block for long. {@code vm} is the added VM of that name, or null when the host does not
 * manage it (a VM the hypervisor runs all the same).
 */
public interface VmFollower {
  /** The VM is about to start (nothing runs yet). */
  default void vmStarting(String name) {}

  default void vmStarted(String name, Vm vm) {}

  default void vmStopped(String name, Vm vm) {}

  /** Its pinning changed, or its definition (re-read). */
  default void vmChanged(String name, Vm vm) {}

  /** The hypervisor connection is back: everything may have changed. */
  default void reconnected() {}
}
