package io.vmpower.core.hal;

import java.util.Objects;

/**
 * A network interface of a VM: its MAC address and the host-side device that carries its traffic
 * (libvirt's {@code <target dev='vnet0'/>}; empty while the VM does not run).
 */
public record VmInterface(MacAddress mac, String device) {
  public VmInterface {
    Objects.requireNonNull(mac, "mac");
    device = device == null ? "" : device;
  }
}
