package io.vmpower.hal.sim;

import io.vmpower.core.hal.ChannelEndpoint;
import io.vmpower.core.hal.PeerCredentials;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;

/**
 * The host end of a simulated channel: one connection. After a hang-up it still reads what it had
 * received, then end-of-file (-1), as a socket does; a reset ({@link SimulatedHost#resetChannel})
 * makes reads and writes fail.
 */
final class SimulatedChannelEndpoint implements ChannelEndpoint {
  private final SimulatedHost host;
  private final SimulatedChannelTransport transport;
  private final PeerCredentials peer;
  final SimulatedChannel channel;

  /** Guest bytes received by this connection. */
  final SimulatedByteQueue inbound = new SimulatedByteQueue(1024);

  // guarded by host.lock
  boolean hungUp;
  String resetReason;
  boolean watchWritable;
  private volatile boolean closed;
  private volatile Object attachment;

  SimulatedChannelEndpoint(
      SimulatedHost host,
      SimulatedChannelTransport transport,
      SimulatedChannel channel,
      PeerCredentials peer) {
    this.host = host;
    this.transport = transport;
    this.channel = channel;
    this.peer = peer;
  }

  @Override
  public Path path() {
    return channel.path;
  }

  @Override
  public void attach(Object attachment) {
    this.attachment = attachment;
  }

  @Override
  public Object attachment() {
    return attachment;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    host.lock.lock();
    try {
      checkUsable();
      if (inbound.isEmpty()) {
        return hungUp ? -1 : 0;
      }
      if (!dst.hasRemaining()) {
        return 0;
      }
      int n = inbound.read(dst, channel.readLimit());
      channel.readDone();
      return n;
    } finally {
      host.lock.unlock();
    }
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    host.lock.lock();
    try {
      checkUsable();
      if (hungUp) {
        throw new IOException("Broken pipe: " + channel.path + " was hung up");
      }
      int n = Math.min(channel.capacity - channel.toGuest.size(), src.remaining());
      if (n <= 0) {
        return 0;
      }
      channel.toGuest.write(src, n);
      host.changed.signalAll();
      return n;
    } finally {
      host.lock.unlock();
    }
  }

  @Override
  public void watchWritable(boolean on) {
    host.lock.lock();
    try {
      watchWritable = on;
      host.changed.signalAll();
    } finally {
      host.lock.unlock();
    }
  }

  @Override
  public PeerCredentials peer() {
    return peer;
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  @Override
  public void close() {
    host.lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      transport.forgetLocked(this);
      if (channel.attached == this) {
        channel.attached = null; // what it had not read is lost, as with a dying socket client
      }
      inbound.clear();
      host.changed.signalAll();
    } finally {
      host.lock.unlock();
    }
  }

  // ---- readiness, under host.lock ----

  boolean readyToRead() {
    return !closed && resetReason == null && (hungUp || !inbound.isEmpty());
  }

  boolean readyToWrite() {
    return !closed
        && resetReason == null
        && !hungUp
        && watchWritable
        && channel.toGuest.size() < channel.capacity;
  }

  boolean failed() {
    return !closed && resetReason != null;
  }

  private void checkUsable() throws IOException {
    if (closed) {
      throw new ClosedChannelException();
    }
    if (resetReason != null) {
      throw new IOException(resetReason + " on " + channel.path);
    }
  }

  @Override
  public String toString() {
    return "simulated endpoint " + channel.path;
  }
}
