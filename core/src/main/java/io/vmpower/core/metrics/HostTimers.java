package io.vmpower.core.metrics;

import java.util.Objects;

/**
 * The durations core measures on the hot path, each handed to a {@link LatencyRecorder}: a
 * request's time from its channel being read (after the readable event) to its reply written, and
 * the time of each frequency write to the backend (a sysfs write on Linux). {@link #NONE}, the
 * default binding of {@code CoreModule}, records nothing and reads no clock, so a host without a
 * metrics endpoint pays nothing.
 *
 * @param requests per request: from the read of its channel to its reply written (or the end of its
 *     turn when it has no reply); every request of one read is recorded with that read's time
 * @param frequencyWrites per successful or failed {@code CpuFrequencies.setIndex}
 */
public record HostTimers(LatencyRecorder requests, LatencyRecorder frequencyWrites) {
  public static final HostTimers NONE = new HostTimers(LatencyRecorder.NONE, LatencyRecorder.NONE);

  public HostTimers {
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(frequencyWrites, "frequencyWrites");
  }
}
