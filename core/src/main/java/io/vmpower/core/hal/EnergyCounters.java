package io.vmpower.core.hal;

import java.io.IOException;
import java.util.List;

/**
 * The host's cumulative energy counters (RAPL through powercap on Linux, the energy model on the
 * simulated host). The zones are found once, at start; a zone that cannot be read is listed with
 * its problem, never fatal. Counters wrap at their range; {@code EnergyMeter} in core turns them
 * into totals.
 */
public interface EnergyCounters {

  /** For reports: what backs the counters, e.g. {@code powercap at /sys}. */
  String description();

  /** Every zone found, readable or not, in a stable order. */
  List<EnergyZone> zones();

  /**
   * The raw counter of {@code zones().get(zone)} in microjoules: cumulative, back to 0 after its
   * range.
   *
   * @throws IOException with the reason (e.g. {@code EACCES}) when it cannot be read now
   */
  long readMicrojoules(int zone) throws IOException;

  /** No counters at all (a host without RAPL). */
  EnergyCounters NONE =
      new EnergyCounters() {
        @Override
        public String description() {
          return "none";
        }

        @Override
        public List<EnergyZone> zones() {
          return List.of();
        }

        @Override
        public long readMicrojoules(int zone) throws IOException {
          throw new IOException("no energy counters");
        }
      };
}
