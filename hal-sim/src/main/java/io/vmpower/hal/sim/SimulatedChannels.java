package io.vmpower.hal.sim;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The virtio-serial channels of a {@link SimulatedHost}'s VMs, found by VM and number or by socket
 * path, and what happens to their host ends: attach (as a socket connect), hang-up, reset, a VM
 * stop. Not thread-safe by itself: every call is made holding the host's lock.
 */
final class SimulatedChannels {
  private final SimulatedHost host;
  private final Map<Path, SimulatedChannel> byPath = new HashMap<>();

  SimulatedChannels(SimulatedHost host) {
    this.host = host;
  }

  /** Makes the channels of a newly defined VM reachable by path. */
  void add(SimulatedVm vm) {
    for (SimulatedChannel ch : vm.channels.values()) {
      byPath.put(key(ch.path), ch);
    }
  }

  /** Forgets the channels of a VM whose definition is removed. */
  void remove(SimulatedVm vm) {
    for (SimulatedChannel ch : vm.channels.values()) {
      byPath.remove(key(ch.path));
    }
  }

  /** The channel, or IllegalArgumentException naming the VM's channels. */
  SimulatedChannel require(SimulatedVm vm, int channel) {
    SimulatedChannel ch = vm.channels.get(channel);
    if (ch == null) {
      throw new IllegalArgumentException(
          "VM '"
              + vm.name
              + "' has no channel "
              + channel
              + (vm.channels.isEmpty()
                  ? " (it has no channel)"
                  : " (channels: "
                      + vm.channels.keySet().stream()
                          .map(String::valueOf)
                          .collect(Collectors.joining(","))
                      + ")"));
    }
    return ch;
  }

  /** The channel paths of {@code vm}, in channel order. */
  static List<Path> paths(SimulatedVm vm) {
    return vm.channels.values().stream().map(ch -> ch.path).toList();
  }

  /** Attaches a new host end to the channel at {@code path}, as a socket connect would. */
  SimulatedChannelEndpoint attach(Path path, SimulatedChannelTransport transport)
      throws IOException {
    SimulatedChannel ch = byPath.get(key(path));
    if (ch == null) {
      throw new IOException("no socket at " + path);
    }
    if (!ch.vm.running) {
      throw new ConnectException(
          "connection refused at " + path + ": VM '" + ch.vm.name + "' is not running");
    }
    if (ch.attached != null) {
      throw new ConnectException(
          "connection refused at " + path + ": a host end is attached already (one at a time)");
    }
    SimulatedChannelEndpoint ep = new SimulatedChannelEndpoint(host, transport, ch, ch.vm.peer());
    ch.pending.moveTo(ep.inbound);
    ch.attached = ep;
    return ep;
  }

  /** The host end's socket fails: reads and writes throw; what it had not read is lost. */
  static void reset(SimulatedChannel ch) {
    if (ch.attached != null) {
      ch.attached.resetReason = "Connection reset by peer";
      ch.attached.inbound.clear();
      ch.attached = null;
    }
  }

  /**
   * QEMU exits: every attached host end reads what it had received, then end-of-file; bytes in
   * flight either way are dropped.
   */
  static void vmStopped(SimulatedVm vm) {
    for (SimulatedChannel ch : vm.channels.values()) {
      ch.hangUpHostEnd();
      ch.pending.clear();
      ch.toGuest.clear();
    }
  }

  /** The guest's side of a channel (the same object on every call). */
  SimulatedGuestPort guestPort(SimulatedChannel ch) {
    if (ch.port == null) {
      ch.port = new SimulatedGuestPort(host, ch);
    }
    return ch.port;
  }

  private static Path key(Path p) {
    return p.toAbsolutePath().normalize();
  }
}
