package io.vmpower.cli.metrics;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.vmpower.core.metrics.HostTimers;
import io.vmpower.core.metrics.LatencyRecorder;

/**
 * The two histograms core records into on the hot path: classic buckets only (no native histogram,
 * no exemplars), so an observation is a bucket search and two adds, allocating nothing.
 */
final class PrometheusTimers {
  /** From 5 µs (a request served in memory) to 1 s (a stuck sysfs write). */
  static final double[] BUCKETS = {
    0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
    0.025, 0.05, 0.1, 0.25, 1
  };

  private PrometheusTimers() {}

  /** Registers the histograms in {@code registry} and returns the recorders core calls. */
  static HostTimers register(PrometheusRegistry registry) {
    Histogram requests =
        histogram(
            "vmpower_request_duration_seconds",
            "Time from the read of a guest request's channel to its reply written (the end of"
                + " its turn when it has no reply)",
            registry);
    Histogram writes =
        histogram(
            "vmpower_frequency_write_duration_seconds",
            "Time of one frequency write to the CPU frequency backend (sysfs on Linux)",
            registry);
    return new HostTimers(recorder(requests), recorder(writes));
  }

  private static Histogram histogram(String name, String help, PrometheusRegistry registry) {
    return (Histogram)
        Histogram.builder()
            .name(name)
            .help(help)
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(BUCKETS)
            .withoutExemplars()
            .register(registry);
  }

  /** Observes {@code count} times the duration in seconds (what Prometheus expects). */
  static LatencyRecorder recorder(Histogram histogram) {
    return (nanos, count) -> {
      double seconds = nanos / 1e9;
      for (int i = 0; i < count; i++) {
        histogram.observe(seconds);
      }
    };
  }
}
