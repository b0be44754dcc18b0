package io.vmpower.core.hal;

import io.vmpower.core.cpu.CpuSet;
import java.util.Objects;

/**
 * One energy counter the host offers (a RAPL domain), as found at start.
 *
 * @param id where it comes from, e.g. {@code intel-rapl:0} or {@code intel-rapl:0:1}
 * @param name what the hardware calls it, e.g. {@code package-0}, {@code core}, {@code dram}
 * @param kind the domain
 * @param packageId the CPU package (socket) it measures or belongs to; -1 for a platform domain
 * @param cpus the CPUs of that package (empty when unknown or not a package)
 * @param rangeMicrojoules the counter's range: it wraps to 0 after it; 0 when it never wraps
 * @param problem why it cannot be read (e.g. {@code EACCES}), or null when it can
 */
public record EnergyZone(
    String id,
    String name,
    Kind kind,
    int packageId,
    CpuSet cpus,
    long rangeMicrojoules,
    String problem) {

  /** The RAPL domains. */
  public enum Kind {
    PACKAGE,
    CORE,
    UNCORE,
    DRAM,
    PLATFORM,
    OTHER
  }

  public EnergyZone {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(cpus, "cpus");
    if (rangeMicrojoules < 0) {
      throw new IllegalArgumentException("zone " + id + ": negative range " + rangeMicrojoules);
    }
  }

  public boolean readable() {
    return problem == null;
  }
}
