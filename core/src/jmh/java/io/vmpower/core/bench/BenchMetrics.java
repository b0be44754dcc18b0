package io.vmpower.core.bench;

import io.vmpower.core.metrics.HostTimers;
import io.vmpower.core.metrics.LatencyHistogram;

/**
 * {@link HostTimers} as the cli's metrics endpoint binds them: core's {@link LatencyHistogram}s
 * with the endpoint's bucket bounds, so that the benchmark measures what a host with {@code
 * --metrics-listen} runs per request.
 */
final class BenchMetrics {
  static final long[] BUCKETS_NANOS = {
    5_000L,
    10_000L,
    25_000L,
    50_000L,
    100_000L,
    250_000L,
    500_000L,
    1_000_000L,
    2_500_000L,
    5_000_000L,
    10_000_000L,
    25_000_000L,
    50_000_000L,
    100_000_000L,
    250_000_000L,
    1_000_000_000L
  };

  private final LatencyHistogram requests = new LatencyHistogram(BUCKETS_NANOS);
  private final LatencyHistogram writes = new LatencyHistogram(BUCKETS_NANOS);

  HostTimers timers() {
    return new HostTimers(requests, writes);
  }

  long requestsObserved() {
    return requests.snapshot().count();
  }
}
