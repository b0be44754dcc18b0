package io.vmpower.core.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.EnergySettings;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.testing.FakeClock;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.testing.FakeHypervisor;
import io.vmpower.core.testing.FakeVmStatistics;
import io.vmpower.core.testing.LogCapture;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sampler's wiring: the meter's pending joules, the VMs the hypervisor runs with their pinning,
 * their vCPU times and the power manager's weight integrals; a failing source is logged once,
 * counted, and what the package counted meanwhile is attributed by the next sample that succeeds.
 */
class EnergySamplerTest {
  private final FakeClock clock = new FakeClock();
  // package-0 covers CPUs 0 and 1, both at the same frequency
  private final EnergyMeterTest.Scripted counters = new EnergyMeterTest.Scripted();
  private final PowerManager power =
      new PowerManager(
          FakeCpuFrequencies.uniform(2, FakeCpuFrequencies.TURBO_TABLE, 1),
          clock,
          io.vmpower.core.metrics.HostTimers.NONE);
  private final FakeHypervisor hypervisor =
      new FakeHypervisor(2)
          .define("vm1", VmState.RUNNING, io.vmpower.core.cpu.CpuSet.of(0))
          .define("vm2", VmState.RUNNING, io.vmpower.core.cpu.CpuSet.of(1))
          .define("off", VmState.SHUT_OFF, io.vmpower.core.cpu.CpuSet.of(1));
  private final FakeVmStatistics stats =
      new FakeVmStatistics(clock).vm("vm1", 1).vm("vm2", 1).vm("off", 1);
  private final EnergySampler sampler =
      new EnergySampler(
          new EnergyMeter(counters),
          new EnergySettings(Duration.ZERO),
          power,
          hypervisor,
          stats,
          clock);

  @AfterEach
  void close() {
    sampler.close();
  }

  @Test
  void splitsThePackageByBusyTimeAndWaitsOutAFailingSource() {
    stats.load("vm1", 0, 100);
    stats.load("vm2", 0, 50);
    stats.load("off", 0, 100); // shut off: neither read nor attributed
    counters.raw[0] = 1_000_000L;
    sampler.start();
    clock.advance(Duration.ofSeconds(10));
    counters.raw[0] += 9_000_000L; // 9 J
    sampler.sampleNow();
    Map<String, Double> vms = sampler.attribution().totals().vmJoules();
    assertEquals(6.0, vms.get("vm1"), 1e-9, "10 busy s of 15 at equal frequencies: 2/3 of 9 J");
    assertEquals(3.0, vms.get("vm2"), 1e-9);
    assertEquals(2, vms.size(), vms::toString);

    try (LogCapture log = new LogCapture(EnergySampler.class)) {
      stats.failWith("libvirt: connection lost");
      for (int i = 0; i < 3; i++) {
        clock.advance(Duration.ofSeconds(10));
        counters.raw[0] += 3_000_000L;
        sampler.sampleNow();
      }
      assertEquals(3, sampler.status().failures());
      assertEquals("libvirt: connection lost", sampler.status().problem());
      assertEquals(1, log.matching("cannot read the VMs' vCPU times").size(), "logged once");
      assertEquals(6.0, sampler.attribution().totals().vmJoules().get("vm1"), 1e-9);

      stats.failWith(null);
      sampler.sampleNow(); // the 30 s and 9 J of the failure, at the same 2:1
      assertNull(sampler.status().problem());
      assertEquals(1, log.matching("can be read again").size());
    }
    vms = sampler.attribution().totals().vmJoules();
    assertEquals(12.0, vms.get("vm1"), 1e-9);
    assertEquals(6.0, vms.get("vm2"), 1e-9);
    assertEquals(3, sampler.status().samples(), "the first at start, then two");
    EnergyReport r = sampler.report();
    assertEquals(18.0, r.zones().get(0).joules(), 1e-9);
    assertEquals(
        r.zones().get(0).joules(),
        r.vms().stream().mapToDouble(EnergyReport.VmEnergy::joules).sum(),
        1e-9,
        "every joule of the package goes to a VM");
    assertTrue(r.unattributed().isEmpty(), r::toString);
  }

  @Test
  void aSlowerPcpuWeighsLessAndARepinIsFollowed() {
    power.scale(1, io.vmpower.core.power.ScaleOp.MIN); // vm2's pCPU to 1.2 GHz
    stats.load("vm1", 0, 100);
    stats.load("vm2", 0, 100);
    sampler.start();
    clock.advance(Duration.ofSeconds(10));
    counters.raw[0] += 10_000_000L;
    sampler.sampleNow();
    double s = 0.74 / 3.5;
    double r = 1_200_000.0 / 2_600_000.0;
    double slow = s + (1 - s) * r * r * r; // w(1.2 GHz), 2.6 GHz being the nominal
    assertEquals(10 / (1 + slow), sampler.attribution().totals().vmJoules().get("vm1"), 1e-9);
    assertEquals(
        10 * slow / (1 + slow), sampler.attribution().totals().vmJoules().get("vm2"), 1e-9);

    hypervisor.repin("vm2", 0, io.vmpower.core.cpu.CpuSet.of(0)); // now beside vm1 at 2.6 GHz
    clock.advance(Duration.ofSeconds(10));
    counters.raw[0] += 10_000_000L;
    sampler.sampleNow();
    assertEquals(10 / (1 + slow) + 5, sampler.attribution().totals().vmJoules().get("vm1"), 1e-9);
    assertEquals(
        10 * slow / (1 + slow) + 5, sampler.attribution().totals().vmJoules().get("vm2"), 1e-9);

    hypervisor.stop("vm2"); // stopped: no longer read
    clock.advance(Duration.ofSeconds(10));
    counters.raw[0] += 10_000_000L;
    sampler.sampleNow();
    assertEquals(10 / (1 + slow) + 15, sampler.attribution().totals().vmJoules().get("vm1"), 1e-9);
  }

  @Test
  void energyWhileNoVmIsBusyIsUnattributed() {
    sampler.start();
    clock.advance(Duration.ofSeconds(10));
    counters.raw[0] += 4_000_000L;
    EnergyReport r = sampler.report();
    assertTrue(r.vms().isEmpty(), r::toString);
    assertEquals(1, r.unattributed().size());
    assertEquals(0, r.unattributed().get(0).packageId());
    assertEquals(4.0, r.unattributed().get(0).joules(), 1e-9);
    assertTrue(r.attribution().running());
  }
}
