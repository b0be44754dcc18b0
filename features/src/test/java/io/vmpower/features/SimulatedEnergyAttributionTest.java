package io.vmpower.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.energy.EnergyAttribution;
import io.vmpower.core.energy.EnergyAttribution.Vcpu;
import io.vmpower.core.energy.EnergyMeter;
import io.vmpower.core.metrics.HostTimers;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.power.ScaleOp;
import io.vmpower.hal.sim.Scenario;
import io.vmpower.hal.sim.SimulatedCpuFrequencies;
import io.vmpower.hal.sim.SimulatedEnergyCounters;
import io.vmpower.hal.sim.SimulatedHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * On the simulated host, the per-VM joules of the attribution add up to what the package counted,
 * and a VM whose pCPU runs at a lower frequency gets less per second of busy time. The vCPUs' busy
 * times are what the simulated pCPUs' busy fractions make them (vm1's vCPUs on pCPUs 2, 3; vm2's on
 * 4-7, as in the default scenario); the per-vCPU time HAL of issue 13 will read them from the
 * simulator's vCPU load instead.
 */
class SimulatedEnergyAttributionTest {
  @Test
  void perVmJoulesAddUpToThePackage() throws Exception {
    try (SimulatedHost host =
        new SimulatedHost(Scenario.defaultScenario(), Path.of("/nonexistent"))) {
      SimulatedCpuFrequencies cpus = new SimulatedCpuFrequencies(host);
      PowerManager power = new PowerManager(cpus, host.clock(), HostTimers.NONE);
      power.trackWeights();
      EnergyMeter meter = new EnergyMeter(new SimulatedEnergyCounters(host));
      EnergyAttribution attribution = new EnergyAttribution(meter.zones());
      double[] busy = {0, 0, 1.0, 0.5, 0.8, 0.8, 0.2, 0};
      for (int cpu = 0; cpu < busy.length; cpu++) {
        host.setCpuBusy(cpu, busy[cpu]);
      }
      long[] vcpuNanos = new long[8];
      meter.sample();
      attribution.sample(meter.takePending(), vcpus(vcpuNanos), power::weightIntegral);
      for (int step = 0; step < 6; step++) {
        if (step == 2) {
          power.scale(4, ScaleOp.MIN); // vm2's vCPU 0 slows down
          power.scale(2, ScaleOp.DOWN);
        }
        host.advance(Duration.ofSeconds(10));
        for (int cpu = 0; cpu < busy.length; cpu++) {
          vcpuNanos[cpu] += (long) (busy[cpu] * 10e9);
        }
        meter.sample();
        attribution.sample(meter.takePending(), vcpus(vcpuNanos), power::weightIntegral);
      }
      Map<String, Double> vms = attribution.totals().vmJoules();
      double sum = vms.values().stream().mapToDouble(Double::doubleValue).sum();
      assertEquals(host.energyJoules(0), sum, 1e-3, "per-VM joules add up to the package's");
      assertEquals(meter.totals().get(0).joules(), sum, 1e-6);
      assertTrue(attribution.totals().unattributedJoules().isEmpty(), "a VM was always busy");
      assertTrue(vms.get("vm1") > 0 && vms.get("vm2") > 0, vms::toString);
    }
  }

  /** vm1: vCPU v on pCPU 2 + v; vm2: vCPU v on pCPU 4 + v, busy as those pCPUs. */
  private static List<Vcpu> vcpus(long[] pcpuNanos) {
    List<Vcpu> out = new ArrayList<>();
    for (int v = 0; v < 2; v++) {
      out.add(new Vcpu("vm1", v, pcpuNanos[2 + v], CpuSet.of(2 + v)));
    }
    for (int v = 0; v < 4; v++) {
      out.add(new Vcpu("vm2", v, pcpuNanos[4 + v], CpuSet.of(4 + v)));
    }
    return out;
  }
}
