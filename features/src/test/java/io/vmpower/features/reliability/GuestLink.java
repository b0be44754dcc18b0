package io.vmpower.features.reliability;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;

/**
 * The guest's side of one channel over a {@link QemuSockets} socket: writes go to the host monitor,
 * and a reader thread (unless the guest is one that never reads) keeps what the host writes until
 * the test takes it. After a hang-up, {@link #connect} takes the host's next connection. One thread
 * writes; any thread may read.
 */
final class GuestLink implements AutoCloseable {
  private final QemuSockets qemu;
  private final String vm;
  private final int number;
  private volatile boolean reading;
  private volatile SocketChannel channel;
  private long generation;
  private Thread reader;

  // bytes the host wrote, not taken yet; guarded by this
  private byte[] data = new byte[64 * 1024];
  private int start;
  private int end;
  private boolean eof = true;

  /**
   * @param reading false for a guest that never reads its replies (they stay in the socket)
   */
  GuestLink(QemuSockets qemu, String vm, int number, boolean reading) {
    this.qemu = qemu;
    this.vm = vm;
    this.number = number;
    this.reading = reading;
  }

  /** Whether the next connection gets a reader (false: a guest that never reads). */
  void reading(boolean on) {
    reading = on;
  }

  String name() {
    return vm + "." + number;
  }

  /** Takes the host's next connection to the channel; false when none came in time. */
  boolean connect(Duration timeout) throws InterruptedException {
    QemuSockets.Accepted a = qemu.await(vm, number, generation, timeout);
    if (a == null) {
      return false;
    }
    generation = a.generation();
    SocketChannel c = a.channel();
    synchronized (this) {
      start = 0;
      end = 0;
      eof = false;
      channel = c;
    }
    if (reading) {
      reader = new Thread(() -> readLoop(c), "guest-" + name() + "-reader");
      reader.setDaemon(true);
      reader.start();
    }
    return true;
  }

  private void readLoop(SocketChannel c) {
    ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
    try {
      while (true) {
        buf.clear();
        int n = c.read(buf);
        if (n < 0) {
          break;
        }
        synchronized (this) {
          if (channel != c) {
            break;
          }
          append(buf.array(), n);
          notifyAll();
        }
      }
    } catch (IOException closed) {
      // the connection went away: end of file
    } finally {
      synchronized (this) {
        if (channel == c) {
          eof = true;
        }
        notifyAll();
      }
    }
  }

  private void append(byte[] src, int n) {
    if (end + n > data.length) {
      int used = end - start;
      if (used + n > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, used + n));
      }
      System.arraycopy(data, start, data, 0, used);
      start = 0;
      end = used;
    }
    System.arraycopy(src, 0, data, end, n);
    end += n;
  }

  /** Writes all of {@code bytes} (blocking while the host does not read). */
  void write(byte[] bytes) throws IOException {
    SocketChannel c = channel;
    if (c == null) {
      throw new EOFException(name() + " is not connected");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      c.write(b);
    }
  }

  /**
   * Takes exactly {@code n} bytes the host wrote, waiting up to {@code timeout}; null when fewer
   * came in time.
   *
   * @throws EOFException when the connection ended before
   */
  synchronized byte[] read(int n, Duration timeout) throws InterruptedException, EOFException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (end - start < n) {
      if (eof) {
        throw new EOFException(name() + " hung up with " + (end - start) + " bytes of " + n);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      wait(Math.max(1, left / 1_000_000L));
    }
    byte[] out = Arrays.copyOfRange(data, start, start + n);
    start += n;
    return out;
  }

  /**
   * The next {@code n} bytes the host wrote, left in place, waiting up to {@code timeout}; null
   * when fewer came in time.
   *
   * @throws EOFException when the connection ended before
   */
  synchronized byte[] peek(int n, Duration timeout) throws InterruptedException, EOFException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (end - start < n) {
      if (eof) {
        throw new EOFException(name() + " hung up with " + (end - start) + " bytes of " + n);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      wait(Math.max(1, left / 1_000_000L));
    }
    return Arrays.copyOfRange(data, start, start + n);
  }

  /** Takes everything the host wrote so far. */
  synchronized byte[] takeAll() {
    byte[] out = Arrays.copyOfRange(data, start, end);
    start = end;
    return out;
  }

  /** Takes what comes until nothing more came for {@code quiet}. */
  byte[] takeUntilQuiet(Duration quiet) throws InterruptedException {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    while (true) {
      byte[] got = takeAll();
      all.writeBytes(got);
      synchronized (this) {
        if (end == start && !eof) {
          wait(quiet.toMillis());
        }
        if (end == start) {
          return all.toByteArray();
        }
      }
    }
  }

  /**
   * QEMU drops the host's connection this link holds: the host sees end-of-file; unread bytes are
   * lost. A connection the host made since (not taken yet) is left alone.
   */
  void hangUp() {
    SocketChannel c;
    synchronized (this) {
      c = channel;
      channel = null;
      eof = true;
      notifyAll();
    }
    if (c != null) {
      qemu.forget(vm, number, c);
    }
  }

  boolean connected() {
    return channel != null;
  }

  @Override
  public void close() {
    hangUp();
  }
}
