package io.vmpower.guest;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bytes a port's reader thread has read and no request has taken yet: a bounded FIFO. The
 * reader blocks while it is full; a request peeks at it with a deadline (a read from a character
 * device cannot time out in Java, a wait on this queue can) and skips what it has read.
 */
final class ReplyQueue {
  /** Whether a peek got its bytes. */
  enum Outcome {
    TAKEN,
    TIMED_OUT,
    /** The stream ended for good (see {@link #endReason()}). */
    ENDED
  }

  private final byte[] ring;
  private int head;
  private int size;
  private String endReason;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();

  ReplyQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.ring = new byte[capacity];
  }

  /** Appends {@code len} bytes, waiting for room; drops them once the queue has ended. */
  void put(byte[] src, int off, int len) throws InterruptedException {
    lock.lock();
    try {
      int done = 0;
      while (done < len) {
        while (size == ring.length && endReason == null) {
          notFull.await();
        }
        if (endReason != null) {
          return;
        }
        int n = Math.min(len - done, ring.length - size);
        for (int i = 0; i < n; i++) {
          ring[(head + size + i) % ring.length] = src[off + done + i];
        }
        size += n;
        done += n;
        notEmpty.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Copies the first {@code len} bytes into {@code dst} without taking them, waiting until {@code
   * deadlineNanos} (a {@link System#nanoTime()} value) for that many to be there.
   */
  Outcome peek(byte[] dst, int len, long deadlineNanos) throws InterruptedException {
    if (len > ring.length) {
      throw new IllegalArgumentException("cannot peek " + len + " bytes of " + ring.length);
    }
    lock.lock();
    try {
      while (size < len) {
        if (endReason != null) {
          return Outcome.ENDED;
        }
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return Outcome.TIMED_OUT;
        }
        notEmpty.await(left, TimeUnit.NANOSECONDS);
      }
      for (int i = 0; i < len; i++) {
        dst[i] = ring[(head + i) % ring.length];
      }
      return Outcome.TAKEN;
    } finally {
      lock.unlock();
    }
  }

  /** Drops the first {@code n} bytes (fewer when fewer are buffered). */
  void skip(int n) {
    lock.lock();
    try {
      int k = Math.min(n, size);
      head = (head + k) % ring.length;
      size -= k;
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Drops every byte buffered; returns how many. */
  int discard() {
    lock.lock();
    try {
      int n = size;
      head = 0;
      size = 0;
      notFull.signalAll();
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Ends the stream for good: waiting peeks return {@link Outcome#ENDED}, puts are dropped. */
  void end(String reason) {
    lock.lock();
    try {
      if (endReason == null) {
        endReason = reason;
      }
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Why the stream ended, or null while it has not. */
  String endReason() {
    lock.lock();
    try {
      return endReason;
    } finally {
      lock.unlock();
    }
  }

  int size() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }
}
