package io.vmpower.cli.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import io.vmpower.core.metrics.HostTimers;
import io.vmpower.core.metrics.LatencyHistogram;

/**
 * The two histograms core records into on the hot path: core's allocation-free {@link
 * LatencyHistogram}s (a few ns per request, see its comment for why not the client's {@code
 * Histogram}), exposed at scrape time through the client's model as Prometheus histograms in
 * seconds.
 */
final class PrometheusTimers {
  /** From 5 µs (a request served in memory) to 1 s (a stuck sysfs write), in nanoseconds. */
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

  private PrometheusTimers() {}

  /** Registers the histograms in {@code registry} and returns the recorders core calls. */
  static HostTimers register(PrometheusRegistry registry) {
    LatencyHistogram requests = new LatencyHistogram(BUCKETS_NANOS);
    LatencyHistogram writes = new LatencyHistogram(BUCKETS_NANOS);
    registry.register(
        collector(
            "vmpower_request_duration_seconds",
            "Time from the read of a guest request's channel to its reply written (the end of"
                + " its turn when it has no reply)",
            requests));
    registry.register(
        collector(
            "vmpower_frequency_write_duration_seconds",
            "Time of one frequency write to the CPU frequency backend (sysfs on Linux)",
            writes));
    return new HostTimers(requests, writes);
  }

  private static Collector collector(String name, String help, LatencyHistogram histogram) {
    return new Collector() {
      @Override
      public MetricSnapshot collect() {
        return snapshot(name, help, histogram.snapshot());
      }

      @Override
      public String getPrometheusName() {
        return name;
      }
    };
  }

  /** A histogram snapshot in seconds from core's nanosecond buckets. */
  static HistogramSnapshot snapshot(String name, String help, LatencyHistogram.Snapshot s) {
    long[] bounds = s.upperBoundsNanos();
    double[] upper = new double[bounds.length + 1];
    for (int i = 0; i < bounds.length; i++) {
      upper[i] = bounds[i] / 1e9;
    }
    upper[bounds.length] = Double.POSITIVE_INFINITY;
    return HistogramSnapshot.builder()
        .name(name)
        .help(help)
        .unit(Unit.SECONDS)
        .dataPoint(
            HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(upper, s.counts()))
                .sum(s.sumNanos() / 1e9)
                .build())
        .build();
  }
}
