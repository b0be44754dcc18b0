package io.vmpower.core.policy;

import java.util.List;
import java.util.Objects;

/**
 * A policy as installed for one VM: what it decides from, which of the VM's vCPUs it controls
 * (their pCPUs; empty: every vCPU), who set it, and whether the VM's guest may still scale those
 * vCPUs between evaluations ({@code guests}: true, the default, means a CPU_POWER request is served
 * and holds until the policy's next evaluation; false means it is refused with {@code
 * nack_policy_holds}).
 */
public record VmPolicy(Policy policy, List<Integer> vcpus, PolicySource source, boolean guests) {
  public VmPolicy {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(source, "source");
    vcpus = List.copyOf(new java.util.TreeSet<>(vcpus));
    for (int v : vcpus) {
      if (v < 0) {
        throw new IllegalArgumentException("vCPU " + v + " is not a vCPU number");
      }
    }
  }

  /** Whether vCPU {@code v} of a VM with {@code vcpuCount} vCPUs is controlled. */
  public boolean controls(int v, int vcpuCount) {
    return v >= 0 && v < vcpuCount && (vcpus.isEmpty() || vcpus.contains(v));
  }
}
