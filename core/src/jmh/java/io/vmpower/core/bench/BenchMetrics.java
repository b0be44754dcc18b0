package io.vmpower.core.bench;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.vmpower.core.metrics.HostTimers;
import io.vmpower.core.metrics.LatencyRecorder;

/**
 * {@link HostTimers} bound to Prometheus histograms exactly as the cli's {@code
 * io.vmpower.cli.metrics.PrometheusTimers} binds them (classic buckets only, no exemplars, the same
 * bounds, one observation per request), so that the benchmark measures what a host with {@code
 * --metrics-listen} runs. Core cannot depend on the cli module, hence this mirror.
 */
final class BenchMetrics {
  static final double[] BUCKETS = {
    0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
    0.025, 0.05, 0.1, 0.25, 1
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Histogram requests = histogram("vmpower_request_duration_seconds");
  private final Histogram writes = histogram("vmpower_frequency_write_duration_seconds");

  private Histogram histogram(String name) {
    return (Histogram)
        Histogram.builder()
            .name(name)
            .help(name)
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(BUCKETS)
            .withoutExemplars()
            .register(registry);
  }

  HostTimers timers() {
    return new HostTimers(recorder(requests), recorder(writes));
  }

  long requestsObserved() {
    return requests.getCount();
  }

  private static LatencyRecorder recorder(Histogram histogram) {
    return (nanos, count) -> {
      double seconds = nanos / 1e9;
      for (int i = 0; i < count; i++) {
        histogram.observe(seconds);
      }
    };
  }
}
