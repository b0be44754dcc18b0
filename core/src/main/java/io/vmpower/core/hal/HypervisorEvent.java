package io.vmpower.core.hal;

/** Something the hypervisor reports by itself. */
public sealed interface HypervisorEvent {
  /**
   * A VM is about to start and runs nothing yet: what it will use (its dedicated CPUs) must be made
   * ready now. libvirt has no such event (its qemu hook's "prepare" phase calls {@code prepare_vm}
   * instead); the simulator announces every start this way and waits for the listeners.
   */
  record VmStarting(String vm) implements HypervisorEvent {}

  /** A VM started (or resumed from shut-off); its channels can be attached again. */
  record VmStarted(String vm) implements HypervisorEvent {}

  /** A VM stopped (shut down, destroyed, crashed); its channels will hang up. */
  record VmStopped(String vm) implements HypervisorEvent {}

  /** A VM was defined anew or undefined; re-read it. */
  record VmChanged(String vm) implements HypervisorEvent {}

  /** The pinning of a VM's vCPUs changed (by us or by anyone else, e.g. {@code virsh vcpupin}). */
  record PinningChanged(String vm) implements HypervisorEvent {}

  /** The connection to the hypervisor was lost; cached pinning stays in use. */
  record ConnectionLost(String reason) implements HypervisorEvent {}

  /** The connection is back; everything cached should be re-read. */
  record ConnectionRestored() implements HypervisorEvent {}
}
