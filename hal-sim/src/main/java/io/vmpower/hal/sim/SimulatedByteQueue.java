package io.vmpower.hal.sim;

import java.nio.ByteBuffer;

/**
 * A growable FIFO of bytes (a ring buffer). Not thread-safe: its owner guards it. Does not allocate
 * once it has grown to the size it needs.
 */
final class SimulatedByteQueue {
  private byte[] buf;
  private int head;
  private int size;

  SimulatedByteQueue(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void clear() {
    head = 0;
    size = 0;
  }

  void write(byte[] src, int off, int len) {
    ensureRoom(len);
    int tail = (head + size) % buf.length;
    int first = Math.min(len, buf.length - tail);
    System.arraycopy(src, off, buf, tail, first);
    System.arraycopy(src, off + first, buf, 0, len - first);
    size += len;
  }

  /** Moves {@code len} bytes from {@code src} (which must have them) into this queue. */
  void write(ByteBuffer src, int len) {
    ensureRoom(len);
    int tail = (head + size) % buf.length;
    int first = Math.min(len, buf.length - tail);
    src.get(buf, tail, first);
    src.get(buf, 0, len - first);
    size += len;
  }

  /** Moves up to {@code max} bytes into {@code dst}; returns how many. */
  int read(ByteBuffer dst, int max) {
    int n = Math.min(Math.min(max, size), dst.remaining());
    int first = Math.min(n, buf.length - head);
    dst.put(buf, head, first);
    dst.put(buf, 0, n - first);
    consume(n);
    return n;
  }

  /** Moves up to {@code len} bytes into {@code dst} at {@code off}; returns how many. */
  int read(byte[] dst, int off, int len) {
    int n = Math.min(len, size);
    int first = Math.min(n, buf.length - head);
    System.arraycopy(buf, head, dst, off, first);
    System.arraycopy(buf, 0, dst, off + first, n - first);
    consume(n);
    return n;
  }

  /** Moves everything into {@code other}, leaving this queue empty. */
  void moveTo(SimulatedByteQueue other) {
    other.ensureRoom(size);
    int first = Math.min(size, buf.length - head);
    other.write(buf, head, first);
    other.write(buf, 0, size - first);
    clear();
  }

  private void consume(int n) {
    size -= n;
    head = size == 0 ? 0 : (head + n) % buf.length;
  }

  private void ensureRoom(int extra) {
    if (size + extra <= buf.length) {
      return;
    }
    int capacity = buf.length;
    while (capacity < size + extra) {
      capacity = Math.multiplyExact(capacity, 2);
    }
    byte[] grown = new byte[capacity];
    int first = Math.min(size, buf.length - head);
    System.arraycopy(buf, head, grown, 0, first);
    System.arraycopy(buf, 0, grown, first, size - first);
    buf = grown;
    head = 0;
  }
}
