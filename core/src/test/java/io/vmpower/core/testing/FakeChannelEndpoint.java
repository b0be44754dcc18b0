package io.vmpower.core.testing;

import io.vmpower.core.hal.ChannelEndpoint;
import io.vmpower.core.hal.PeerCredentials;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** The host's end of a {@link FakeGuestPort}, made by {@link FakeChannelTransport#open}. */
public final class FakeChannelEndpoint implements ChannelEndpoint {
  private final FakeChannelTransport transport;
  private final FakeGuestPort port;
  private final PeerCredentials peer;
  private Object attachment;
  private boolean watchingWritable;
  private boolean closed;

  /** The guest went away (QEMU exited): once its bytes are read, reads see end-of-file. */
  boolean peerGone;

  FakeChannelEndpoint(FakeChannelTransport transport, FakeGuestPort port) {
    this.transport = transport;
    this.port = port;
    this.peer = port.peer;
  }

  @Override
  public Path path() {
    return port.path();
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
    synchronized (transport.lock) {
      if (closed) {
        throw new IOException("endpoint closed");
      }
      if (!dst.hasRemaining()) {
        return 0;
      }
      int n = port.toHost.take(dst);
      if (n > 0) {
        return n;
      }
      return peerGone ? -1 : 0;
    }
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    synchronized (transport.lock) {
      if (closed) {
        throw new IOException("endpoint closed");
      }
      if (peerGone) {
        throw new IOException("Broken pipe (EPIPE)");
      }
      int n = Math.min(src.remaining(), port.capacity - port.toGuest.size());
      if (n > 0) {
        port.toGuest.put(src, n);
        transport.lock.notifyAll();
      }
      return Math.max(n, 0);
    }
  }

  @Override
  public void watchWritable(boolean on) {
    synchronized (transport.lock) {
      watchingWritable = on;
    }
  }

  /** Whether the monitor asked for writable events. */
  public boolean watchingWritable() {
    synchronized (transport.lock) {
      return watchingWritable;
    }
  }

  @Override
  public PeerCredentials peer() {
    return peer;
  }

  @Override
  public boolean isOpen() {
    synchronized (transport.lock) {
      return !closed;
    }
  }

  @Override
  public void close() {
    synchronized (transport.lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (port.host == this) {
        port.host = null;
        // what the guest wrote and this host end never read is lost, as with a real socket
        port.toHost.clear();
      }
      transport.forget(this);
      transport.lock.notifyAll();
    }
  }

  boolean readyToRead() {
    return !closed && (port.toHost.size() > 0 || peerGone);
  }

  boolean readyToWrite() {
    return !closed && watchingWritable && !peerGone && port.toGuest.size() < port.capacity;
  }
}
