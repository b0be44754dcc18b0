package io.vmpower.core.vm;

import io.vmpower.core.hal.PeerCredentials;
import java.nio.file.Path;

/**
 * One VM channel: its number and socket path, its state, counters, the peer last attached and why
 * the last attach failed. A domain object: the connection and its buffers are the monitor's.
 */
public final class Channel {
  private final Vm vm;
  private final int number;
  private final ChannelName name;
  private final Path path;
  private final ChannelStateMachine state = new ChannelStateMachine();
  private final ChannelStats stats = new ChannelStats();
  private volatile PeerCredentials peer = PeerCredentials.UNKNOWN;
  private volatile String lastError = "";

  Channel(Vm vm, int number, Path path) {
    this.vm = vm;
    this.number = number;
    this.name = new ChannelName(vm.name(), number);
    this.path = path;
  }

  public Vm vm() {
    return vm;
  }

  public int number() {
    return number;
  }

  /** {@code {vm}.{n}}. */
  public ChannelName name() {
    return name;
  }

  public Path path() {
    return path;
  }

  public ChannelStateMachine stateMachine() {
    return state;
  }

  public ChannelState state() {
    return state.state();
  }

  public ChannelStats stats() {
    return stats;
  }

  public PeerCredentials peer() {
    return peer;
  }

  public void peer(PeerCredentials p) {
    this.peer = p;
  }

  /** Why the last attach failed, or empty. */
  public String lastError() {
    return lastError;
  }

  public void lastError(String e) {
    this.lastError = e == null ? "" : e;
  }

  @Override
  public String toString() {
    return name.toString();
  }
}
