package io.vmpower.core.hal;

import io.vmpower.core.cpu.CpuSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The hypervisor: which VMs exist, their vCPUs and where each vCPU may run.
 *
 * <p>Implementations must report every pinning change, including changes made outside this program,
 * with a {@link HypervisorEvent.PinningChanged} event (from the hypervisor's own events, or by
 * watching), so that the power manager's cached vCPU-to-pCPU translation is never stale. Listeners
 * are called on the backend's own thread and must not block.
 */
public interface Hypervisor extends AutoCloseable {

  /** For reports: backend, URI and version, e.g. {@code libvirt 9.0.0 at qemu:///system}. */
  String description();

  /** The VM of that name, or empty when the hypervisor has none. */
  Optional<VmInfo> lookup(String name) throws HypervisorException;

  /** The names of every VM the hypervisor knows, running or not. */
  List<String> vmNames() throws HypervisorException;

  /**
   * Pins {@code vcpu} of {@code vm} to {@code pcpus}. Fails when the VM, the vCPU or a pCPU does
   * not exist, or the hypervisor refuses (e.g. a read-only connection).
   */
  void pin(String vm, int vcpu, CpuSet pcpus) throws HypervisorException;

  /**
   * The power channels VM {@code name}'s definition names (its live definition while it runs), and
   * what in it could not be taken as one; empty when the hypervisor has no such VM. Parsed
   * strictly: see {@link DomainChannel#portNumber} and {@link DomainChannels}.
   */
  Optional<DomainChannels> powerChannels(String name) throws HypervisorException;

  /** How many physical CPUs the host has (CPU numbers run from 0 to this minus one). */
  int hostCpuCount() throws HypervisorException;

  void addListener(Consumer<HypervisorEvent> listener);

  @Override
  void close();
}
