package io.vmpower.core.energy;

import java.util.List;

/**
 * What {@code show_energy} reports, as data (rendered as text by the CLI, as JSON by {@code
 * --json}): every energy zone with its total since the host started, or why it cannot be read.
 *
 * @param source what backs the counters (e.g. {@code powercap at /sys})
 * @param zones every zone found, in the backend's order
 */
public record EnergyReport(String source, List<Zone> zones) {
  public EnergyReport {
    zones = List.copyOf(zones);
  }

  /**
   * One zone.
   *
   * @param id e.g. {@code intel-rapl:0}
   * @param name e.g. {@code package-0}
   * @param kind {@code package}, {@code core}, {@code uncore}, {@code dram}, {@code platform} or
   *     {@code other}
   * @param packageId the CPU package, -1 for none
   * @param joules counted since the host started (at its last successful read)
   * @param problem why it cannot be read now, or null
   */
  public record Zone(
      String id, String name, String kind, int packageId, double joules, String problem) {}
}
