package io.vmpower.hal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.energy.EnergyMeter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The energy model and its integration over the simulated clock. */
class SimulatedEnergyTest {
  static final double IDLE = 0.74;
  static final double BUSY = 3.5;
  static final double EPS = 1e-6;

  private static SimulatedHost host(String energyYaml) {
    String yaml =
        "host:\n  cpus: 4\n  frequencies: [2601000, 2600000, 2400000, 1200000]\n"
            + "  initialKhz: 2600000\n"
            + (energyYaml == null ? "" : energyYaml);
    return new SimulatedHost(
        ScenarioLoader.parse(yaml, ScenarioLoader.Format.YAML, "test"), Path.of("/nonexistent"));
  }

  @Test
  void theDefaultModelIsTheDocumentedOne() {
    SimulatedEnergyModel m = host(null).energyModel();
    assertEquals(BUSY, m.busyWatts(0, 1), EPS, "busy at the nominal 2.6 GHz");
    assertEquals(IDLE, m.idleWatts(0, 1), EPS);
    double ratio = 1_200_000.0 / 2_600_000.0;
    assertEquals(IDLE + (BUSY - IDLE) * ratio * ratio * ratio, m.busyWatts(0, 3), EPS);
    assertEquals(0.5 * IDLE + 0.5 * BUSY, m.watts(0, 1, 0.5), EPS);
  }

  @Test
  void energyIsPowerIntegratedOverTheSimulatedClock() throws Exception {
    SimulatedHost h = host(null);
    h.setCpuBusy(2, 1.0);
    h.advance(Duration.ofSeconds(10));
    assertEquals((3 * IDLE + BUSY) * 10, h.energyJoules(0), EPS);
    new SimulatedCpuFrequencies(h).setIndex(2, 3); // busy CPU 2 down to 1.2 GHz
    h.advance(Duration.ofSeconds(10));
    double low = h.energyModel().busyWatts(2, 3);
    assertEquals((3 * IDLE + BUSY) * 10 + (3 * IDLE + low) * 10, h.energyJoules(0), EPS);
    h.offline(3);
    h.advance(Duration.ofSeconds(1));
    assertEquals(
        (3 * IDLE + BUSY) * 10 + (3 * IDLE + low) * 10 + (2 * IDLE + low),
        h.energyJoules(0),
        EPS,
        "an offline CPU draws nothing");
  }

  @Test
  void theVcpuLoadsMakeTheirPcpusBusy() throws Exception {
    // vm a: vCPU 0 on pCPU 2 at 50 %, vCPU 1 at 40 % on pCPUs 0-1 (it runs on the fastest, the
    // first of equals: pCPU 0)
    SimulatedHost h =
        host(
            "vms:\n  - name: a\n    vcpus: 2\n    pinning: [\"2\", \"0-1\"]\n"
                + "    load: [50, 40]\n");
    h.setCpuBusy(3, 0.25); // no load on pCPU 3: the fraction set by hand
    h.setCpuBusy(2, 0.3); // pCPU 2: the larger of its load and the fraction set
    assertEquals(0.5, h.cpuBusy(2), EPS);
    assertEquals(0.4, h.cpuBusy(0), EPS);
    assertEquals(0.0, h.cpuBusy(1), EPS);
    assertEquals(0.25, h.cpuBusy(3), EPS);
    h.advance(Duration.ofSeconds(10));
    double p0 = (0.6 * IDLE + 0.4 * BUSY) + IDLE + (0.5 * IDLE + 0.5 * BUSY);
    double p3 = 0.75 * IDLE + 0.25 * BUSY;
    assertEquals((p0 + p3) * 10, h.energyJoules(0), EPS);
    // at 1.2 GHz, 50 % of the nominal 2.6 GHz's work keeps pCPU 2 busy all the time
    new SimulatedCpuFrequencies(h).setIndex(2, 3);
    assertEquals(1.0, h.cpuBusy(2), EPS);
    h.advance(Duration.ofSeconds(10));
    double low = h.energyModel().busyWatts(2, 3);
    double p1 = (0.6 * IDLE + 0.4 * BUSY) + IDLE + low;
    assertEquals((p0 + p3) * 10 + (p1 + p3) * 10, h.energyJoules(0), EPS);
    // the load gone, pCPU 2 is back to the fraction set by hand; a stopped VM loads nothing
    h.load("a", 0, 0);
    assertEquals(0.3, h.cpuBusy(2), EPS);
    h.stopVm("a");
    assertEquals(0.0, h.cpuBusy(0), EPS);
    h.advance(Duration.ofSeconds(10));
    double p2 = 2 * IDLE + (0.7 * IDLE + 0.3 * low) + p3;
    assertEquals((p0 + p3) * 10 + (p1 + p3) * 10 + p2 * 10, h.energyJoules(0), EPS);
  }

  @Test
  void stepsPackagesAndTheCounterWrapComeFromTheScenario() {
    SimulatedHost h =
        host(
            "energy:\n  idleWatts: 1\n  busyWatts: 5\n  packages: 2\n  rangeMicrojoules: 50000000\n"
                + "  steps:\n    - khz: 2601000\n      busyWatts: 9\n      idleWatts: 2\n");
    assertEquals(9, h.energyModel().busyWatts(0, 0), EPS);
    assertEquals(2, h.energyModel().idleWatts(0, 0), EPS);
    assertEquals(5, h.energyModel().busyWatts(0, 1), EPS);
    assertEquals(CpuSet.of(0, 1), h.energyPackageCpus(0));
    assertEquals(CpuSet.of(2, 3), h.energyPackageCpus(1));
    SimulatedEnergyCounters counters = new SimulatedEnergyCounters(h);
    EnergyMeter meter = new EnergyMeter(counters);
    meter.sample();
    for (int i = 0; i < 4; i++) {
      h.advance(Duration.ofSeconds(10)); // 2 idle CPUs at 1 W: 20 J per package per step
      meter.sample();
    }
    assertEquals(80.0, h.energyJoules(0), EPS);
    assertEquals(80.0, meter.totals().get(0).joules(), 1e-6, "counted across the 50 J wrap");
    assertTrue(counters.description().contains("2 package(s)"));
  }

  @Test
  void badEnergySettingsAreRefusedWithTheField() {
    ScenarioException e =
        assertThrows(ScenarioException.class, () -> host("energy:\n  busyWatts: 0.1\n"));
    assertTrue(e.getMessage().contains("energy.busyWatts"), e.getMessage());
    e = assertThrows(ScenarioException.class, () -> host("energy:\n  packages: 9\n"));
    assertTrue(e.getMessage().contains("energy.packages"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> host(null).setCpuBusy(0, 1.5));
  }
}
