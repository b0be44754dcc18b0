package io.vmpower.guest;

/** The current frequency of one vCPU (or, on a host, one CPU) in kHz. */
public record VcpuFrequency(int vcpu, long khz) {}
