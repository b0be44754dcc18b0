package io.vmpower.core.hal;

import java.util.Objects;

/** Cumulative receive counters of one interface of a VM, as the host sees them. */
public record InterfaceCounters(MacAddress mac, String device, long rxPackets, long rxBytes) {
  public InterfaceCounters {
    Objects.requireNonNull(mac, "mac");
    device = device == null ? "" : device;
  }
}
