package io.vmpower.hal.sim;

import io.vmpower.core.hal.FrequencyTable;

/** A snapshot of one simulated CPU, for tests: two equal snapshots mean identical CPU state. */
public record SimulatedCpuState(
    int cpu,
    FrequencyTable table,
    int index,
    long khz,
    boolean turboEnabled,
    String driver,
    String governor,
    boolean online) {}
