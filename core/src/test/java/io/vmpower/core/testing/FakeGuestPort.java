package io.vmpower.core.testing;

import io.vmpower.core.hal.PeerCredentials;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * The guest's side of a fake channel (its virtio-serial port, with QEMU's socket behind it): the
 * guest writes requests and reads replies. Bytes written while no host is connected wait for one,
 * as a real port's do. {@link #capacity(int)} bounds the replies the guest leaves unread, to model
 * a guest that does not read.
 */
public final class FakeGuestPort {
  private final FakeChannelTransport transport;
  private final Path path;
  final Bytes toHost = new Bytes();
  final Bytes toGuest = new Bytes();
  PeerCredentials peer = new PeerCredentials(64055, 64055, 4242);
  int capacity = 1 << 20;
  boolean listening;
  FakeChannelEndpoint host;

  FakeGuestPort(FakeChannelTransport transport, Path path) {
    this.transport = transport;
    this.path = path;
  }

  public Path path() {
    return path;
  }

  /** Who the host sees behind the socket from its next connection on. */
  public FakeGuestPort peer(PeerCredentials credentials) {
    synchronized (transport.lock) {
      this.peer = credentials;
      return this;
    }
  }

  /** How many reply bytes the guest leaves unread before the host's writes take nothing. */
  public FakeGuestPort capacity(int bytes) {
    synchronized (transport.lock) {
      this.capacity = bytes;
      transport.lock.notifyAll();
      return this;
    }
  }

  /** The guest writes {@code bytes}. */
  public void write(byte[] bytes) {
    synchronized (transport.lock) {
      toHost.put(ByteBuffer.wrap(bytes), bytes.length);
      transport.lock.notifyAll();
    }
  }

  /** Reply bytes waiting for the guest. */
  public int available() {
    synchronized (transport.lock) {
      return toGuest.size();
    }
  }

  /** The guest reads up to {@code max} bytes, without waiting. */
  public byte[] read(int max) {
    synchronized (transport.lock) {
      int n = Math.min(max, toGuest.size());
      ByteBuffer b = ByteBuffer.allocate(n);
      toGuest.take(b);
      transport.lock.notifyAll();
      return b.array();
    }
  }

  /** The guest waits for exactly {@code n} bytes; fails after {@code timeout}. */
  public byte[] readFully(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (transport.lock) {
      while (toGuest.size() < n) {
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          throw new AssertionError(
              path + ": expected " + n + " bytes within " + timeout + ", got " + toGuest.size());
        }
        transport.lock.wait(left);
      }
      return read(n);
    }
  }

  /** Whether a host end is connected now. */
  public boolean hostConnected() {
    synchronized (transport.lock) {
      return host != null;
    }
  }

  /**
   * QEMU exits: the host's end sees end-of-file after the bytes it has not read yet, and cannot
   * connect again until {@link FakeChannelTransport#listen} is called for this path.
   */
  public void hangUp() {
    synchronized (transport.lock) {
      listening = false;
      if (host != null) {
        host.peerGone = true;
      }
      toGuest.clear();
      transport.lock.notifyAll();
    }
  }

  /** A growable byte queue. */
  static final class Bytes {
    private byte[] data = new byte[1024];
    private int size;

    int size() {
      return size;
    }

    void put(ByteBuffer src, int n) {
      if (size + n > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, size + n));
      }
      src.get(data, size, n);
      size += n;
    }

    int take(ByteBuffer dst) {
      int n = Math.min(dst.remaining(), size);
      dst.put(data, 0, n);
      System.arraycopy(data, n, data, 0, size - n);
      size -= n;
      return n;
    }

    void clear() {
      size = 0;
    }
  }
}
