package io.vmpower.hal.sim;

import io.vmpower.core.hal.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A clock that moves only when told to ({@link #advance}), or that also follows real time ({@link
 * #followingRealTime()}, for a live demo where back-off timers must fire by themselves).
 *
 * <p>Both start at {@link #START} (wall clock) and at {@link #START_NANOS} (monotonic), so runs are
 * reproducible. Thread-safe.
 */
public final class SimulatedClock implements Clock {
  /** The wall-clock instant every simulated clock starts at. */
  public static final Instant START = Instant.parse("2024-01-01T00:00:00Z");

  /**
   * The first {@link #nanoTime()} value (not 0, so that code treating 0 as "unset" still works).
   */
  public static final long START_NANOS = 1_000_000_000_000L;

  private final AtomicLong advancedNanos = new AtomicLong();
  private final boolean realTime;
  private final long realStart;
  private final List<Runnable> onAdvance = new CopyOnWriteArrayList<>();
  private final Set<Thread> parked = ConcurrentHashMap.newKeySet();

  private SimulatedClock(boolean realTime) {
    this.realTime = realTime;
    this.realStart = System.nanoTime();
  }

  /** A clock that stands still between {@link #advance} calls (tests). */
  public static SimulatedClock manual() {
    return new SimulatedClock(false);
  }

  /** A clock that runs with real time, and can still be moved ahead with {@link #advance}. */
  public static SimulatedClock followingRealTime() {
    return new SimulatedClock(true);
  }

  /** Moves the clock ahead and wakes whoever waits on simulated time. */
  public void advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("a clock only moves forward; got " + by);
    }
    advancedNanos.addAndGet(by.toNanos());
    parked.forEach(LockSupport::unpark);
    for (Runnable r : onAdvance) {
      r.run();
    }
  }

  /**
   * Parks until the clock reaches {@code deadlineNanos}: a manual clock only moves when advanced
   * (which wakes every thread parked here); a real-time one also moves by itself.
   */
  @Override
  public void parkUntil(long deadlineNanos) {
    Thread t = Thread.currentThread();
    parked.add(t);
    try {
      long left = deadlineNanos - nanoTime();
      if (left <= 0) {
        return;
      }
      if (realTime) {
        LockSupport.parkNanos(this, left);
      } else {
        LockSupport.park(this);
      }
    } finally {
      parked.remove(t);
    }
  }

  /** Time elapsed since the start, simulated plus (for a real-time clock) real. */
  public Duration elapsed() {
    return Duration.ofNanos(elapsedNanos());
  }

  @Override
  public long nanoTime() {
    return START_NANOS + elapsedNanos();
  }

  @Override
  public long currentTimeMillis() {
    return START.toEpochMilli() + elapsedNanos() / 1_000_000L;
  }

  /** Runs {@code r} after every {@link #advance} (on the advancing thread). */
  void onAdvance(Runnable r) {
    onAdvance.add(r);
  }

  private long elapsedNanos() {
    long real = realTime ? System.nanoTime() - realStart : 0;
    return advancedNanos.get() + real;
  }
}
