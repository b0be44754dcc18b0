package io.vmpower.core.hal;

/** Time, so that back-off and timeouts can be driven by a simulated clock in tests. */
public interface Clock {
  /** Monotonic nanoseconds, for intervals. */
  long nanoTime();

  /** Wall-clock milliseconds since the epoch, for reports. */
  long currentTimeMillis();

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
