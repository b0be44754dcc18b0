package io.vmpower.core.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A latency histogram cheap enough for the hot path: fixed bucket bounds in nanoseconds, one atomic
 * add per bucket hit and one for the sum, nothing allocated, any thread. {@code record(n, count)}
 * adds {@code count} observations of {@code n} at the cost of one. The metrics endpoint exposes a
 * {@link #snapshot()} as a Prometheus histogram at scrape time.
 *
 * <p>Why not the Prometheus client's own {@code Histogram}: its {@code observe} keeps scrapes
 * consistent with a buffer and several adders, about 100 ns per observation on the build machines,
 * which at one or two observations per request is several percent of a request's CPU. This one
 * costs a few nanoseconds; a scrape may see a bucket and the sum a few observations apart.
 */
public final class LatencyHistogram implements LatencyRecorder {

  /** What a scrape reads: per-bucket counts (the last is above every bound) and the sum. */
  public record Snapshot(long[] upperBoundsNanos, long[] counts, long sumNanos) {
    public long count() {
      long c = 0;
      for (long n : counts) {
        c += n;
      }
      return c;
    }
  }

  private final long[] bounds;
  private final AtomicLongArray counts;
  private final AtomicLong sum = new AtomicLong();

  /** Buckets with these upper bounds in nanoseconds, ascending, plus one above them all. */
  public LatencyHistogram(long... upperBoundsNanos) {
    if (upperBoundsNanos.length == 0) {
      throw new IllegalArgumentException("a histogram needs at least one bucket bound");
    }
    for (int i = 1; i < upperBoundsNanos.length; i++) {
      if (upperBoundsNanos[i] <= upperBoundsNanos[i - 1]) {
        throw new IllegalArgumentException("bucket bounds must ascend strictly");
      }
    }
    this.bounds = upperBoundsNanos.clone();
    this.counts = new AtomicLongArray(bounds.length + 1);
  }

  @Override
  public void record(long nanos, int count) {
    int i = 0;
    while (i < bounds.length && nanos > bounds[i]) {
      i++;
    }
    counts.getAndAdd(i, count);
    sum.getAndAdd(nanos * count);
  }

  public Snapshot snapshot() {
    long[] c = new long[counts.length()];
    for (int i = 0; i < c.length; i++) {
      c[i] = counts.get(i);
    }
    return new Snapshot(Arrays.copyOf(bounds, bounds.length), c, sum.get());
  }
}
