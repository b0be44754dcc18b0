package io.vmpower.hal.sim;

import io.vmpower.core.hal.EnergyCounters;
import io.vmpower.core.hal.EnergyZone;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link SimulatedHost}'s energy counters: one package zone per package of its energy model
 * ({@code sim-rapl:N}, {@code package-N}), counting whole µJ and wrapping at the scenario's range,
 * as RAPL's {@code energy_uj} does.
 */
public final class SimulatedEnergyCounters implements EnergyCounters {
  private final SimulatedHost host;
  private final List<EnergyZone> zones = new ArrayList<>();

  public SimulatedEnergyCounters(SimulatedHost host) {
    this.host = host;
    for (int p = 0; p < host.energyPackages(); p++) {
      zones.add(
          new EnergyZone(
              "sim-rapl:" + p,
              "package-" + p,
              EnergyZone.Kind.PACKAGE,
              p,
              host.energyPackageCpus(p),
              host.energyRange(),
              null));
    }
  }

  @Override
  public String description() {
    return "simulated energy model (" + zones.size() + " package(s))";
  }

  @Override
  public List<EnergyZone> zones() {
    return List.copyOf(zones);
  }

  @Override
  public long readMicrojoules(int zone) throws IOException {
    if (zone < 0 || zone >= zones.size()) {
      throw new IOException("no energy zone " + zone + " (the host has " + zones.size() + ")");
    }
    return host.energyCounter(zone);
  }
}
