package io.vmpower.hal.sim;

/** One successful frequency write to a simulated CPU, as logged by {@link SimulatedHost}. */
public record SimulatedFrequencyWrite(int cpu, int index, long khz) {}
