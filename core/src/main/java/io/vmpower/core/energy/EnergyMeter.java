package io.vmpower.core.energy;

import io.vmpower.core.hal.EnergyCounters;
import io.vmpower.core.hal.EnergyZone;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the raw, wrapping energy counters into totals since the host started. Each {@link
 * #sample()} reads every readable zone and adds what it counted since the sample before: {@code now
 * - previous}, or across a wrap {@code range - previous + now} (the counter went past its range to
 * 0; the convention of Scaphandre and Kepler, exact when the counter's modulus is its range, one
 * counter unit short on Intel's). A counter that goes back without a range is taken as reset.
 * Samples must come more often than a counter can wrap twice (minutes at full power): the host
 * samples on a timer and at every scrape. A read that fails is reported in {@link #zones()} and
 * tried again next time; what was counted stays.
 */
@Singleton
public final class EnergyMeter {
  private static final Logger log = LoggerFactory.getLogger(EnergyMeter.class);

  /** A zone's total and state, for views and metrics. */
  public record ZoneTotal(EnergyZone zone, long microjoules, String lastError) {
    public double joules() {
      return microjoules / 1e6;
    }
  }

  private final EnergyCounters counters;
  private final List<EnergyZone> zones;
  private final long[] previous;
  private final boolean[] seen;
  private final long[] totals;
  private final long[] pending;
  private final String[] errors;

  @Inject
  public EnergyMeter(EnergyCounters counters) {
    this.counters = counters;
    this.zones = List.copyOf(counters.zones());
    int n = zones.size();
    this.previous = new long[n];
    this.seen = new boolean[n];
    this.totals = new long[n];
    this.pending = new long[n];
    this.errors = new String[n];
    for (int i = 0; i < n; i++) {
      errors[i] = zones.get(i).problem();
    }
  }

  public String description() {
    return counters.description();
  }

  /** Reads every zone once and adds what each counted since the sample before. */
  public synchronized void sample() {
    for (int i = 0; i < zones.size(); i++) {
      EnergyZone z = zones.get(i);
      long now;
      try {
        now = counters.readMicrojoules(i);
      } catch (IOException e) {
        if (errors[i] == null) {
          log.warn("energy counter {} ({}) unreadable: {}", z.id(), z.name(), e.getMessage());
        }
        errors[i] = e.getMessage();
        continue;
      }
      errors[i] = null;
      if (seen[i]) {
        long d = delta(previous[i], now, z.rangeMicrojoules());
        totals[i] += d;
        pending[i] += d;
      }
      previous[i] = now;
      seen[i] = true;
    }
  }

  /** What a counter counted from {@code before} to {@code now} given its {@code range}. */
  static long delta(long before, long now, long range) {
    if (now >= before) {
      return now - before;
    }
    return range > 0 ? range - before + now : now;
  }

  /**
   * What each zone counted since the last call (all samples in between, whoever took them: the
   * timer, a scrape, show_energy), in µJ, by zone index; for the per-VM attribution.
   */
  public synchronized long[] takePending() {
    long[] out = pending.clone();
    java.util.Arrays.fill(pending, 0);
    return out;
  }

  /** Every zone with its total so far (as of the last sample). */
  public synchronized List<ZoneTotal> totals() {
    List<ZoneTotal> out = new ArrayList<>(zones.size());
    for (int i = 0; i < zones.size(); i++) {
      out.add(new ZoneTotal(zones.get(i), totals[i], errors[i]));
    }
    return out;
  }

  public List<EnergyZone> zones() {
    return zones;
  }

  /** Every zone with its total as of the last sample, as {@code show_energy} reports it. */
  public List<EnergyReport.Zone> zoneReports() {
    List<EnergyReport.Zone> out = new ArrayList<>();
    for (ZoneTotal t : totals()) {
      EnergyZone z = t.zone();
      out.add(
          new EnergyReport.Zone(
              z.id(),
              z.name(),
              z.kind().name().toLowerCase(java.util.Locale.ROOT),
              z.packageId(),
              t.joules(),
              t.lastError()));
    }
    return out;
  }
}
