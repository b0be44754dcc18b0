package io.vmpower.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.cli.HostApp;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.energy.EnergyAttribution;
import io.vmpower.core.energy.EnergySampler;
import io.vmpower.core.host.StateFile;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.power.ScaleOp;
import io.vmpower.hal.sim.Scenario;
import io.vmpower.hal.sim.SimulatedHalModule;
import io.vmpower.hal.sim.SimulatedHost;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-VM energy through the host's own wiring on the simulated host: the energy sampler reads the
 * simulated package counter, the VMs' vCPU times from the simulated loads (VmStatistics) and the
 * weight integrals the power manager keeps at each frequency write, and the energy model draws what
 * those same loads make the pCPUs busy. The expected joules are computed here from the documented
 * model and formula (docs/energy.md), not taken from the code under test. Default scenario: vm1's
 * vCPUs on pCPUs 2, 3; vm2's on 4-7; one package of 8 CPUs, 2.6 GHz nominal.
 */
class SimulatedEnergyAttributionTest {
  static final double IDLE = 0.74;
  static final double BUSY = 3.5;
  static final double NOMINAL = 2_600_000;

  @TempDir Path dir;
  private SimulatedHost host;
  private HostApp app;
  private EnergySampler sampler;
  private PowerManager power;

  @BeforeEach
  void start() {
    host = new SimulatedHost(Scenario.defaultScenario(), dir);
    app =
        new HostApp(
                HostConfig.defaults(dir),
                StateFile.none(),
                new SimulatedHalModule(host),
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(new StringWriter(), true))
            .start();
    sampler = app.injector().getInstance(EnergySampler.class);
    power = app.injector().getInstance(PowerManager.class);
    assertTrue(sampler.running(), "the host samples energy once started");
  }

  @AfterEach
  void stop() {
    app.shutdown();
    host.close();
  }

  /** The relative power of a busy CPU at {@code khz} (docs/energy.md). */
  static double w(double khz) {
    double s = IDLE / BUSY;
    double r = khz / NOMINAL;
    return s + (1 - s) * r * r * r;
  }

  /** What a CPU draws at {@code khz}, busy {@code u} of the time (the default energy model). */
  static double watts(double khz, double u) {
    double r = khz / NOMINAL;
    return (1 - u) * IDLE + u * (IDLE + (BUSY - IDLE) * r * r * r);
  }

  private double vm(String name) {
    return sampler.attribution().totals().vmJoules().getOrDefault(name, 0.0);
  }

  @Test
  void twoVmsAtDifferentFrequenciesShareThePackageByWeightedBusyTime() throws Exception {
    host.load("vm1", 0, 60);
    host.load("vm1", 1, 20);
    for (int v = 0; v < 4; v++) {
      host.load("vm2", v, 30);
    }
    // 1: every CPU at the nominal 2.6 GHz, weight 1: the joules go by busy seconds, 8 : 12
    host.advance(Duration.ofSeconds(10));
    sampler.sampleNow();
    double e1 =
        10
            * (2 * watts(NOMINAL, 0)
                + watts(NOMINAL, 0.6)
                + watts(NOMINAL, 0.2)
                + 4 * watts(NOMINAL, 0.3));
    assertEquals(e1, host.energyJoules(0), 1e-9);
    assertEquals(e1 * 8 / 20, vm("vm1"), 1e-5);
    assertEquals(e1 * 12 / 20, vm("vm2"), 1e-5);

    // 2: vm2 on 1.2 GHz (its vCPUs stay busy longer for the same work), vm1 stays at 2.6 GHz
    for (int cpu = 4; cpu <= 7; cpu++) {
      power.scale(cpu, ScaleOp.MIN);
    }
    host.advance(Duration.ofSeconds(10));
    sampler.sampleNow();
    double low = 1_200_000;
    double u2 = 0.3 * NOMINAL / low; // 65 %
    double e2 =
        10
            * (2 * watts(NOMINAL, 0)
                + watts(NOMINAL, 0.6)
                + watts(NOMINAL, 0.2)
                + 4 * watts(low, u2));
    double busy1 = 10 * (0.6 + 0.2);
    double busy2 = 10 * 4 * u2;
    double w1 = busy1 * w(NOMINAL);
    double w2 = busy2 * w(low);
    double vm1Second = e2 * w1 / (w1 + w2);
    double vm2Second = e2 * w2 / (w1 + w2);
    assertEquals(e1 + e2, host.energyJoules(0), 1e-9);
    assertEquals(e1 * 8 / 20 + vm1Second, vm("vm1"), 1e-5);
    assertEquals(e1 * 12 / 20 + vm2Second, vm("vm2"), 1e-5);
    assertTrue(
        vm1Second / busy1 > 3 * (vm2Second / busy2),
        "at 2.6 GHz a busy second costs w(2.6)/w(1.2) = " + w(NOMINAL) / w(low) + " times more");

    // 3: vm2 stops; vm1 alone gets the whole package, idle CPUs included
    host.stopVm("vm2");
    host.advance(Duration.ofSeconds(10));
    sampler.sampleNow();
    double e3 =
        10
            * (2 * watts(NOMINAL, 0)
                + watts(NOMINAL, 0.6)
                + watts(NOMINAL, 0.2)
                + 4 * watts(low, 0));
    assertEquals(e1 + e2 + e3, host.energyJoules(0), 1e-9);
    assertEquals(e1 * 8 / 20 + vm1Second + e3, vm("vm1"), 1e-5);

    // 4: nobody busy: the package's joules are unattributed
    host.load("vm1", 0, 0);
    host.load("vm1", 1, 0);
    host.advance(Duration.ofSeconds(10));
    sampler.sampleNow();
    EnergyAttribution.Totals t = sampler.attribution().totals();
    double package0 = host.energyJoules(0);
    double e4 = package0 - (e1 + e2 + e3);
    assertEquals(10 * (4 * watts(NOMINAL, 0) + 4 * watts(low, 0)), e4, 1e-9);
    assertEquals(e4, t.unattributedJoules().get(0), 1e-5);
    Map<String, Double> vms = t.vmJoules();
    double sum = vms.values().stream().mapToDouble(Double::doubleValue).sum();
    assertEquals(package0, sum + e4, 1e-5, "per-VM plus unattributed joules are the package's");
    assertEquals(sampler.meter().totals().get(0).joules(), sum + e4, 1e-9);
    assertEquals(0, sampler.status().failures());
  }
}
