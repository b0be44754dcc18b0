package io.vmpower.core.hal;

import java.util.Collection;
import java.util.Map;

/**
 * What the host measures of its VMs by itself: per-vCPU busy time and per-interface receive
 * counters (libvirt's vCPU and interface statistics on Linux; simulated load and packet rates in
 * the simulator). Policies and energy attribution sample it on their own thread, never on the
 * channel monitor's: a call may block on the hypervisor.
 */
public interface VmStatistics {

  /** For reports, e.g. {@code libvirt bulk domain stats} or {@code simulated}. */
  String description();

  /**
   * Reads the counters of every named VM that runs, in one go where the backend can (one call for
   * all). VMs that do not run, or that the hypervisor does not know, are absent from the result.
   *
   * @throws HypervisorException when nothing can be read (e.g. the hypervisor connection is lost)
   */
  Map<String, VmCounters> read(Collection<String> vms) throws HypervisorException;

  /**
   * Whether the host can count branches and branch misses per physical CPU (what DPDK's
   * BRANCH_RATIO policy needs). Neither backend can: DPDK reads them from MSRs, which vmpower does
   * not touch.
   */
  default boolean hasBranchCounters() {
    return false;
  }

  /** Why there are no branch counters, for operators (empty when there are). */
  default String branchCountersMissing() {
    return hasBranchCounters()
        ? ""
        : "this host has no per-CPU branch counters (DPDK reads them from MSRs, which vmpower"
            + " does not use)";
  }
}
