package io.vmpower.core.hal;

import java.util.concurrent.locks.LockSupport;

/** Time, so that back-off and timeouts can be driven by a simulated clock in tests. */
public interface Clock {
  /** Monotonic nanoseconds, for intervals. */
  long nanoTime();

  /** Wall-clock milliseconds since the epoch, for reports. */
  long currentTimeMillis();

  /**
   * Parks the calling thread until {@link #nanoTime()} reaches {@code deadlineNanos} on this clock,
   * or until the thread is unparked ({@link LockSupport#unpark}); it may also return early for no
   * reason, so callers check the time again. The real clock parks for the time left; a simulated
   * clock wakes its parked threads whenever it is advanced.
   */
  default void parkUntil(long deadlineNanos) {
    long left = deadlineNanos - nanoTime();
    if (left > 0) {
      LockSupport.parkNanos(this, left);
    }
  }

  /** The real clock. */
  Clock SYSTEM =
      new Clock() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
          return System.currentTimeMillis();
        }
      };
}
