package io.vmpower.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Energy accounting.
 *
 * @param interval how often the energy counters are sampled (default 5 s), so that no counter wrap
 *     is missed (RAPL package counters wrap after minutes at full power) and per-VM attribution
 *     follows load changes; 0 samples only when metrics are scraped or show_energy runs
 */
public record EnergySettings(Duration interval) {
  public static final EnergySettings DEFAULTS = new EnergySettings(Duration.ofSeconds(5));

  public EnergySettings {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("the energy sampling interval must not be negative");
    }
    if (!interval.isZero() && interval.toMillis() < 100) {
      throw new IllegalArgumentException(
          "the energy sampling interval must be 0 or at least 100 ms, got " + interval);
    }
  }
}
