package io.vmpower.hal.sim;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;

/**
 * The guest's side of a simulated channel: what a guest sees as {@code
 * /dev/virtio-ports/virtio.serial.port.poweragent.N}. Get it with {@link SimulatedHost#guestPort}.
 *
 * <p>Like virtio-serial: bytes written while no host end is attached are kept and delivered once
 * one attaches; bytes the host writes are kept until the guest reads them. Unlike a real port, a
 * read does not see end-of-file while the host end is detached: it waits (or returns 0), so tests
 * need not race the monitor's attach. Reads return -1 only when the VM is shut off. Thread-safe.
 */
public final class SimulatedGuestPort {
  /** Pending bytes the host end may write after {@link #stopReading()}. */
  public static final int DEFAULT_STOPPED_CAPACITY = 4096;

  private final SimulatedHost host;
  private final SimulatedChannel channel;

  SimulatedGuestPort(SimulatedHost host, SimulatedChannel channel) {
    this.host = host;
    this.channel = channel;
  }

  public String vm() {
    return channel.vm.name;
  }

  public int channel() {
    return channel.number;
  }

  /**
   * Writes bytes towards the host; never blocks (kept while no host end is attached).
   *
   * @throws IllegalStateException when the VM is shut off
   */
  public void write(byte[] bytes) {
    host.lock.lock();
    try {
      checkRunning("write");
      channel.guestWrite(bytes, 0, bytes.length);
      host.changed.signalAll();
    } finally {
      host.lock.unlock();
    }
  }

  /**
   * Reads what the host wrote into {@code dst}, waiting up to {@code timeout} for the first byte.
   *
   * @return bytes read; 0 when nothing came in time; -1 when the VM is shut off
   */
  public int read(byte[] dst, Duration timeout) throws InterruptedException {
    return read(dst, 0, dst.length, timeout);
  }

  /** As {@link #read(byte[], Duration)}, into {@code len} bytes of {@code dst} at {@code off}. */
  public int read(byte[] dst, int off, int len, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    host.lock.lock();
    try {
      while (channel.toGuest.isEmpty()) {
        if (!channel.vm.running) {
          return -1;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return 0;
        }
        host.changed.awaitNanos(left);
      }
      int n = channel.toGuest.read(dst, off, len);
      host.changed.signalAll(); // room for the host end's writes
      return n;
    } finally {
      host.lock.unlock();
    }
  }

  /** Everything the host wrote that the guest has not read yet (possibly nothing). */
  public byte[] readNow() {
    host.lock.lock();
    try {
      byte[] out = new byte[channel.toGuest.size()];
      channel.toGuest.read(out, 0, out.length);
      host.changed.signalAll();
      return out;
    } finally {
      host.lock.unlock();
    }
  }

  /**
   * Reads exactly {@code n} bytes, waiting up to {@code timeout} in all.
   *
   * @throws TimeoutException naming how many bytes came, when fewer arrived in time or the VM
   *     stopped; the bytes read so far are consumed
   */
  public byte[] readExactly(int n, Duration timeout) throws InterruptedException, TimeoutException {
    byte[] out = new byte[n];
    long deadline = System.nanoTime() + timeout.toNanos();
    int got = 0;
    while (got < n) {
      long left = Math.max(0, deadline - System.nanoTime());
      int r = read(out, got, n - got, Duration.ofNanos(left));
      if (r <= 0) {
        throw new TimeoutException(
            "only "
                + got
                + " of "
                + n
                + " bytes arrived within "
                + timeout
                + " on "
                + channel.path);
      }
      got += r;
    }
    return out;
  }

  /** Bytes the host wrote that the guest has not read. */
  public int available() {
    host.lock.lock();
    try {
      return channel.toGuest.size();
    } finally {
      host.lock.unlock();
    }
  }

  /** Bytes the guest wrote that no host end has read yet. */
  public int pendingToHost() {
    host.lock.lock();
    try {
      return channel.pendingToHost();
    } finally {
      host.lock.unlock();
    }
  }

  /** Whether a host end is attached now. */
  public boolean hostAttached() {
    host.lock.lock();
    try {
      return channel.attached != null;
    } finally {
      host.lock.unlock();
    }
  }

  /**
   * The next host reads return at most these many bytes, one size per read that returns data;
   * afterwards reads return all that is available. Models a packet split across reads.
   */
  public void splitDelivery(int... chunkSizes) {
    for (int size : chunkSizes) {
      if (size < 1) {
        throw new IllegalArgumentException(
            "split sizes must be at least 1 byte; got " + Arrays.toString(chunkSizes));
      }
    }
    host.lock.lock();
    try {
      channel.split(chunkSizes);
    } finally {
      host.lock.unlock();
    }
  }

  /**
   * A guest that never reads: see {@link #stopReading(int)} with {@link #DEFAULT_STOPPED_CAPACITY}.
   */
  public void stopReading() {
    stopReading(DEFAULT_STOPPED_CAPACITY);
  }

  /**
   * Models a guest that does not read replies: once {@code pendingLimit} bytes wait for the guest,
   * the host end's writes return 0 (until {@link #resumeReading()} or reads make room).
   */
  public void stopReading(int pendingLimit) {
    if (pendingLimit < 0) {
      throw new IllegalArgumentException("pending limit must be 0 or more; got " + pendingLimit);
    }
    setCapacity(pendingLimit);
  }

  /** Back to a guest that takes what the host writes (a large capacity). */
  public void resumeReading() {
    setCapacity(SimulatedChannel.DEFAULT_CAPACITY);
  }

  private void setCapacity(int capacity) {
    host.lock.lock();
    try {
      channel.capacity = capacity;
      host.changed.signalAll();
    } finally {
      host.lock.unlock();
    }
  }

  private void checkRunning(String what) {
    if (!channel.vm.running) {
      throw new IllegalStateException(
          "VM '" + channel.vm.name + "' is not running: its guest cannot " + what);
    }
  }

  @Override
  public String toString() {
    return "guest port " + vm() + "." + channel();
  }
}
