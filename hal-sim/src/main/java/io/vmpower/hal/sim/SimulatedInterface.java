package io.vmpower.hal.sim;

import io.vmpower.core.hal.MacAddress;

/** A network interface of a simulated VM. Guarded by the host's lock. */
final class SimulatedInterface {
  /** Bytes per packet of simulated traffic (for the byte counter). */
  static final int PACKET_BYTES = 512;

  final MacAddress mac;
  final String device;
  long rxPps;

  /** Packets received since QEMU started (a double: no rounding drift). */
  double rxPackets;

  SimulatedInterface(MacAddress mac, String device, long rxPps) {
    this.mac = mac;
    this.device = device;
    this.rxPps = rxPps;
  }
}
