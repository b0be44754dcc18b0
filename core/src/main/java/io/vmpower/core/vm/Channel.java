package io.vmpower.core.vm;

import io.vmpower.core.hal.ChannelEndpoint;
import io.vmpower.core.hal.PeerCredentials;
import java.nio.file.Path;

/**
 * One VM channel: its number and socket path, its state, counters, and (on the monitor thread) the
 * attached endpoint. The monitor keeps its per-channel buffers in {@link #io}.
 */
public final class Channel {
  private final Vm vm;
  private final int number;
  private final Path path;
  private final ChannelStateMachine state = new ChannelStateMachine();
  private final ChannelStats stats = new ChannelStats();
  private volatile PeerCredentials peer = PeerCredentials.UNKNOWN;
  private volatile String lastError = "";

  // monitor-thread state
  ChannelEndpoint endpoint;

  /** The monitor's per-channel buffers and back-off; only the monitor thread touches it. */
  public Object io;

  Channel(Vm vm, int number, Path path) {
    this.vm = vm;
    this.number = number;
    this.path = path;
  }

  public Vm vm() {
    return vm;
  }

  public int number() {
    return number;
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

  /** The attached endpoint or null (monitor thread only). */
  public ChannelEndpoint endpoint() {
    return endpoint;
  }

  public void endpoint(ChannelEndpoint e) {
    this.endpoint = e;
  }

  @Override
  public String toString() {
    return vm.name() + "." + number;
  }
}
