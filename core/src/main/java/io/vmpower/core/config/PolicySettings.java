package io.vmpower.core.config;

import io.vmpower.core.cpu.CpuSet;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Settings of the policy engine: the defaults of the {@code busy} policy, the period of TRAFFIC
 * sampling, the time zone of TIME policies, and the CPUs dedicated to VMs (lowered while no running
 * VM is pinned to them).
 *
 * @param busyTargetPercent the busy share {@code busy} aims at (80)
 * @param busyBandPercent how far from the target the share may be before the pCPU moves (5)
 * @param busyPeriod how often {@code busy} samples and decides (100 ms)
 * @param busyCooldown the least time between two changes of one vCPU's pCPUs (300 ms)
 * @param trafficPeriod how often TRAFFIC (and TIME in a traffic hour) samples and decides (1 s)
 * @param timeZone the zone whose hour of day TIME policies use (the system's)
 * @param dedicatedCpus CPUs dedicated to VMs: those no running VM is pinned to run at their lowest
 *     frequency (none)
 */
public record PolicySettings(
    int busyTargetPercent,
    int busyBandPercent,
    Duration busyPeriod,
    Duration busyCooldown,
    Duration trafficPeriod,
    ZoneId timeZone,
    CpuSet dedicatedCpus) {

  /** The shortest period a policy may have. */
  public static final Duration MIN_PERIOD = Duration.ofMillis(10);

  /** The longest period or cooldown a policy may have. */
  public static final Duration MAX_PERIOD = Duration.ofHours(1);

  public PolicySettings {
    Objects.requireNonNull(timeZone, "timeZone");
    Objects.requireNonNull(dedicatedCpus, "dedicatedCpus");
    if (busyTargetPercent < 1 || busyTargetPercent > 100) {
      throw new IllegalArgumentException("busy target must be 1-100 %, got " + busyTargetPercent);
    }
    if (busyBandPercent < 0
        || busyTargetPercent - busyBandPercent < 0
        || busyTargetPercent + busyBandPercent > 100) {
      throw new IllegalArgumentException(
          "busy band must keep target ± band within 0-100 %, got "
              + busyTargetPercent
              + " ± "
              + busyBandPercent);
    }
    checkPeriod("busy period", busyPeriod);
    checkPeriod("traffic period", trafficPeriod);
    if (busyCooldown.isNegative() || busyCooldown.compareTo(MAX_PERIOD) > 0) {
      throw new IllegalArgumentException(
          "busy cooldown must be 0 to 1 h, got " + busyCooldown.toMillis() + " ms");
    }
  }

  /**
   * The defaults: 80 ± 5 %, 100 ms, 300 ms, traffic every 1 s, the system's zone, none dedicated.
   */
  public static PolicySettings defaults() {
    return new PolicySettings(
        80,
        5,
        Duration.ofMillis(100),
        Duration.ofMillis(300),
        Duration.ofSeconds(1),
        ZoneId.systemDefault(),
        CpuSet.empty());
  }

  public PolicySettings withTimeZone(ZoneId zone) {
    return new PolicySettings(
        busyTargetPercent,
        busyBandPercent,
        busyPeriod,
        busyCooldown,
        trafficPeriod,
        zone,
        dedicatedCpus);
  }

  public PolicySettings withDedicatedCpus(CpuSet cpus) {
    return new PolicySettings(
        busyTargetPercent,
        busyBandPercent,
        busyPeriod,
        busyCooldown,
        trafficPeriod,
        timeZone,
        cpus);
  }

  public PolicySettings withBusy(int target, int band, Duration period, Duration cooldown) {
    return new PolicySettings(
        target, band, period, cooldown, trafficPeriod, timeZone, dedicatedCpus);
  }

  public PolicySettings withTrafficPeriod(Duration period) {
    return new PolicySettings(
        busyTargetPercent,
        busyBandPercent,
        busyPeriod,
        busyCooldown,
        period,
        timeZone,
        dedicatedCpus);
  }

  /** Fails unless {@code period} is between {@link #MIN_PERIOD} and {@link #MAX_PERIOD}. */
  public static void checkPeriod(String what, Duration period) {
    Objects.requireNonNull(period, what);
    if (period.compareTo(MIN_PERIOD) < 0 || period.compareTo(MAX_PERIOD) > 0) {
      throw new IllegalArgumentException(
          what + " must be 10 ms to 1 h, got " + period.toMillis() + " ms");
    }
  }
}
