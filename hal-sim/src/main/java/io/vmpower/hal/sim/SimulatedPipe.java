package io.vmpower.hal.sim;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One direction of an in-memory stream connection, with a socket buffer's bound: a writer blocks
 * while it is full, a reader while it is empty. Closing the reading end makes writes fail (broken
 * pipe); closing the writing end gives the reader the end of the stream once it has drained it.
 * Either close wakes a thread blocked on that end.
 */
final class SimulatedPipe {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final int capacity;
  private byte[] buf = new byte[256];
  private int head;
  private int size;
  private boolean readerClosed;
  private boolean writerClosed;

  /** A pipe that holds at most {@code capacity} bytes (its buffer grows to that when needed). */
  SimulatedPipe(int capacity) {
    this.capacity = capacity;
  }

  private void grow(int needed) {
    if (needed <= buf.length || buf.length == capacity) {
      return;
    }
    byte[] bigger = new byte[Math.min(capacity, Math.max(needed, buf.length * 2))];
    for (int i = 0; i < size; i++) {
      bigger[i] = buf[(head + i) % buf.length];
    }
    buf = bigger;
    head = 0;
  }

  /**
   * Reads at least one byte, waiting at most {@code timeoutMillis} (0: forever); -1 at the end of
   * the stream.
   */
  int read(byte[] b, int off, int len, int timeoutMillis) throws IOException {
    if (len == 0) {
      return 0;
    }
    lock.lock();
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      while (size == 0) {
        if (readerClosed) {
          throw new IOException("Socket closed");
        }
        if (writerClosed) {
          return -1;
        }
        if (timeoutMillis > 0) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new SocketTimeoutException("Read timed out");
          }
          changed.awaitNanos(left);
        } else {
          changed.await();
        }
      }
      if (readerClosed) {
        throw new IOException("Socket closed");
      }
      int n = Math.min(len, size);
      for (int i = 0; i < n; i++) {
        b[off + i] = buf[(head + i) % buf.length];
      }
      head = (head + n) % buf.length;
      size -= n;
      changed.signalAll();
      return n;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    } finally {
      lock.unlock();
    }
  }

  /** Writes all of {@code b[off..off+len)}, waiting while the buffer is full. */
  void write(byte[] b, int off, int len) throws IOException {
    lock.lock();
    try {
      int done = 0;
      while (done < len) {
        if (writerClosed) {
          throw new IOException("Socket closed");
        }
        if (readerClosed) {
          throw new IOException("Broken pipe");
        }
        if (size == capacity) {
          changed.await();
          continue;
        }
        grow(size + (len - done));
        int n = Math.min(len - done, buf.length - size);
        for (int i = 0; i < n; i++) {
          buf[(head + size + i) % buf.length] = b[off + done + i];
        }
        size += n;
        done += n;
        changed.signalAll();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    } finally {
      lock.unlock();
    }
  }

  void closeReader() {
    lock.lock();
    try {
      readerClosed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  void closeWriter() {
    lock.lock();
    try {
      writerClosed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
