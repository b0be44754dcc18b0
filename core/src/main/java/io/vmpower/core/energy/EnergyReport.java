package io.vmpower.core.energy;

import java.util.List;

/**
 * What {@code show_energy} reports, as data (rendered as text by the CLI, as JSON by {@code
 * --json}): every energy zone with its total since the host started, or why it cannot be read; the
 * joules attributed to each VM and those attributed to none; how the attribution fares.
 *
 * @param source what backs the counters (e.g. {@code powercap at /sys})
 * @param zones every zone found, in the backend's order
 * @param vms per VM, the joules attributed to it since the host started, by name
 * @param unattributed per package, the joules counted while no VM was busy on it
 * @param attribution how the attribution samples
 */
public record EnergyReport(
    String source,
    List<Zone> zones,
    List<VmEnergy> vms,
    List<PackageEnergy> unattributed,
    Attribution attribution) {
  public EnergyReport {
    zones = List.copyOf(zones);
    vms = List.copyOf(vms);
    unattributed = List.copyOf(unattributed);
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

  /** The joules attributed to one VM since the host started. */
  public record VmEnergy(String vm, double joules) {}

  /** The joules a package counted while no VM was busy on it. */
  public record PackageEnergy(int packageId, double joules) {}

  /**
   * How the attribution samples.
   *
   * @param running whether the sampler runs (not when the host has no energy counters)
   * @param busyTimes where the vCPUs' busy times come from ({@code VmStatistics})
   * @param samples attribution samples taken
   * @param failures samples that could not read the VMs (their energy waits for the next one)
   * @param problem why the last sample failed, or null
   */
  public record Attribution(
      boolean running, String busyTimes, long samples, long failures, String problem) {}
}
