package io.vmpower.hal.linux.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.energy.EnergyAttribution;
import io.vmpower.core.energy.EnergyAttribution.Vcpu;
import io.vmpower.core.energy.EnergyMeter;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.power.PowerWeight;
import io.vmpower.core.power.ScaleOp;
import io.vmpower.core.testing.FakeClock;
import io.vmpower.core.testing.FakeCpuFrequencies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-VM attribution of docs/energy.md, to the joule: a fake powercap tree with scripted
 * counters (a wrap included), scripted vCPU busy times, and the frequencies the power manager set.
 */
class SysfsEnergyAttributionTest {
  static final long RANGE = 262_143_328_850L;
  static final double EPS = 1e-6;

  @TempDir Path root;

  private void file(String rel, Object content) {
    Path p = root.resolve(rel);
    try {
      Files.createDirectories(p.getParent());
      Files.writeString(p, content + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void busyTimeWeightedByFrequencyPowerSplitsThePackageToTheJoule() {
    for (int cpu = 0; cpu < 4; cpu++) {
      file("devices/system/cpu/cpu" + cpu + "/topology/physical_package_id", 0);
    }
    file("class/powercap/intel-rapl:0/name", "package-0");
    file("class/powercap/intel-rapl:0/max_energy_range_uj", RANGE);
    file("class/powercap/intel-rapl:0/energy_uj", RANGE - 30_000_000L);
    EnergyMeter meter = new EnergyMeter(new SysfsEnergyCounters(root));
    EnergyAttribution attribution = new EnergyAttribution(meter.zones());

    FakeClock clock = new FakeClock();
    FakeCpuFrequencies hw = FakeCpuFrequencies.uniform(4, FakeCpuFrequencies.TURBO_TABLE, 1);
    PowerManager power = new PowerManager(hw, clock, io.vmpower.core.metrics.HostTimers.NONE);
    power.trackWeights();
    // vm1's vCPU on pCPU 0, vm2's on pCPU 1, vm3's spread over pCPUs 2 and 3
    CpuSet p0 = CpuSet.of(0);
    CpuSet p1 = CpuSet.of(1);
    CpuSet p23 = CpuSet.of(2, 3);
    meter.sample();
    attribution.sample(
        meter.takePending(),
        List.of(new Vcpu("vm1", 0, 0, p0), new Vcpu("vm2", 0, 0, p1), new Vcpu("vm3", 0, 0, p23)),
        power::weightIntegral);

    // 10 s: pCPU 1 at the minimum (1.2 GHz) for the whole interval, pCPU 2 for its second half
    power.scale(1, ScaleOp.MIN);
    clock.advance(Duration.ofSeconds(5));
    power.scale(2, ScaleOp.MIN);
    clock.advance(Duration.ofSeconds(5));
    file("class/powercap/intel-rapl:0/energy_uj", 70_000_000L); // across the wrap: 100 J
    meter.sample();
    attribution.sample(
        meter.takePending(),
        List.of(
            new Vcpu("vm1", 0, 10_000_000_000L, p0), // busy 10 s at 2.6 GHz
            new Vcpu("vm2", 0, 5_000_000_000L, p1), // busy 5 s at 1.2 GHz
            new Vcpu("vm3", 0, 4_000_000_000L, p23)), // busy 4 s, half on each of pCPUs 2, 3
        power::weightIntegral);

    double low = PowerWeight.at(1_200_000, 2_600_000);
    double w1 = 10 * 1.0;
    double w2 = 5 * low;
    double w3 = 2 * (5 * 1.0 + 5 * low) / 10 + 2 * 1.0;
    double total = w1 + w2 + w3;
    Map<String, Double> vms = attribution.totals().vmJoules();
    assertEquals(100 * w1 / total, vms.get("vm1"), EPS);
    assertEquals(100 * w2 / total, vms.get("vm2"), EPS);
    assertEquals(100 * w3 / total, vms.get("vm3"), EPS);
    assertEquals(100.0, vms.values().stream().mapToDouble(Double::doubleValue).sum(), EPS);

    // 10 s with no vCPU busy: the 20 J counted go to nobody, and still add up
    clock.advance(Duration.ofSeconds(10));
    file("class/powercap/intel-rapl:0/energy_uj", 90_000_000L);
    meter.sample();
    attribution.sample(
        meter.takePending(),
        List.of(
            new Vcpu("vm1", 0, 10_000_000_000L, p0),
            new Vcpu("vm2", 0, 5_000_000_000L, p1),
            new Vcpu("vm3", 0, 4_000_000_000L, p23)),
        power::weightIntegral);
    assertEquals(20.0, attribution.totals().unattributedJoules().get(0), EPS);
    assertEquals(120.0, meter.totals().get(0).joules(), EPS);
    assertEquals(100 * w1 / total, attribution.totals().vmJoules().get("vm1"), EPS);
  }
}
