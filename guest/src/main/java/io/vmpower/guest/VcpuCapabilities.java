package io.vmpower.guest;

/** What the physical CPU behind one vCPU can do: turbo, and whether it is a priority core. */
public record VcpuCapabilities(int vcpu, boolean turbo, boolean priorityCore) {}
