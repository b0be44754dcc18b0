package io.vmpower.core.hal;

/** What a physical CPU can do, as reported to guests in CAPS_LIST replies. */
public record CpuCapabilities(boolean turbo, boolean priorityCore) {}
