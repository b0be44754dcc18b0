package io.vmpower.core.testing;

import io.vmpower.core.hal.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when a test says so. */
public final class FakeClock implements Clock {
  private static final long EPOCH_MILLIS = 1_700_000_000_000L;
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  public void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
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
