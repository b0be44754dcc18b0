package io.vmpower.core.metrics;

/**
 * Where a duration measured on the hot path goes (a histogram, in the metrics endpoint). Core times
 * what must be timed through this interface only, so it needs no metrics library; the launcher
 * binds it (see {@link HostTimers}). Implementations must not allocate, block or throw: they run
 * once per request on the monitor thread.
 */
@FunctionalInterface
public interface LatencyRecorder {

  /** Records {@code count} events that each took {@code nanos} nanoseconds. */
  void record(long nanos, int count);

  /** Records nothing; callers skip reading the clock when given it. */
  LatencyRecorder NONE = (nanos, count) -> {};
}
