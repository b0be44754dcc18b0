package io.vmpower.core.testing;

import io.vmpower.core.hal.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** A clock that moves only when a test says so; threads parked on it wake when it moves. */
public final class FakeClock implements Clock {
  private static final long EPOCH_MILLIS = 1_700_000_000_000L;
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final Set<Thread> parked = ConcurrentHashMap.newKeySet();

  public void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
    parked.forEach(LockSupport::unpark);
  }

  /** Parks until the clock is advanced (or the thread unparked); time does not pass by itself. */
  @Override
  public void parkUntil(long deadlineNanos) {
    Thread t = Thread.currentThread();
    parked.add(t);
    try {
      if (nanoTime() < deadlineNanos) {
        LockSupport.park(this);
      }
    } finally {
      parked.remove(t);
    }
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public long currentTimeMillis() {
    return EPOCH_MILLIS + nanos.get() / 1_000_000L;
  }
}
