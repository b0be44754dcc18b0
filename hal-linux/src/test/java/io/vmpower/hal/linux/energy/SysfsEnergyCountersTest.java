package io.vmpower.hal.linux.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.energy.EnergyMeter;
import io.vmpower.core.hal.EnergyZone;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RAPL zones found in a fake sysfs tree, read with scripted counters (a wrap included). */
class SysfsEnergyCountersTest {
  static final long RANGE = 262_143_328_850L;

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

  private void zone(String id, String name, long energy) {
    file("class/powercap/" + id + "/name", name);
    file("class/powercap/" + id + "/energy_uj", energy);
    file("class/powercap/" + id + "/max_energy_range_uj", RANGE);
  }

  /** Two packages of two CPUs each; package 0 has core and dram sub-zones; an mmio duplicate. */
  private void twoSockets() {
    for (int cpu = 0; cpu < 4; cpu++) {
      file("devices/system/cpu/cpu" + cpu + "/topology/physical_package_id", cpu / 2);
    }
    zone("intel-rapl:0", "package-0", 1_000_000);
    zone("intel-rapl:0:0", "core", 500_000);
    zone("intel-rapl:0:1", "dram", 200_000);
    zone("intel-rapl:1", "package-1", 7_000_000);
    zone("intel-rapl-mmio:0", "package-0", 1_000_000);
    zone("intel-rapl:2", "psys", 9);
  }

  @Test
  void findsThePackagesTheirSubZonesAndTheirCpus() {
    twoSockets();
    SysfsEnergyCounters c = new SysfsEnergyCounters(root);
    List<EnergyZone> z = c.zones();
    assertEquals(
        List.of("intel-rapl:0", "intel-rapl:0:0", "intel-rapl:0:1", "intel-rapl:1", "intel-rapl:2"),
        z.stream().map(EnergyZone::id).toList(),
        "the mmio duplicate is left out");
    assertEquals(EnergyZone.Kind.PACKAGE, z.get(0).kind());
    assertEquals(CpuSet.of(0, 1), z.get(0).cpus());
    assertEquals(EnergyZone.Kind.CORE, z.get(1).kind());
    assertEquals(0, z.get(1).packageId());
    assertEquals(EnergyZone.Kind.DRAM, z.get(2).kind());
    assertEquals(CpuSet.of(2, 3), z.get(3).cpus());
    assertEquals(1, z.get(3).packageId());
    assertEquals(EnergyZone.Kind.PLATFORM, z.get(4).kind());
    assertEquals(-1, z.get(4).packageId());
    assertEquals(RANGE, z.get(0).rangeMicrojoules());
    assertTrue(c.description().startsWith("powercap at "), c.description());
  }

  @Test
  void scriptedCountersGiveTotalsToTheJouleAcrossAWrap() throws IOException {
    twoSockets();
    file("class/powercap/intel-rapl:0/energy_uj", RANGE - 40_000_000L);
    SysfsEnergyCounters c = new SysfsEnergyCounters(root);
    EnergyMeter meter = new EnergyMeter(c);
    meter.sample();
    file("class/powercap/intel-rapl:0/energy_uj", RANGE - 10_000_000L); // +30 J
    file("class/powercap/intel-rapl:1/energy_uj", 7_000_000L + 12_000_000L); // +12 J
    meter.sample();
    file("class/powercap/intel-rapl:0/energy_uj", 25_000_000L); // wrapped: +10 J, then +25 J
    meter.sample();
    assertEquals(65.0, meter.totals().get(0).joules());
    assertEquals(12.0, meter.totals().get(3).joules());
    assertEquals(25_000_000L, c.readMicrojoules(0));
  }

  @Test
  void anUnreadableCounterIsReportedNotFatal() throws IOException {
    twoSockets();
    Files.delete(root.resolve("class/powercap/intel-rapl:1/energy_uj"));
    SysfsEnergyCounters c = new SysfsEnergyCounters(root);
    EnergyZone pkg1 = c.zones().get(3);
    assertTrue(pkg1.problem().contains("ENOENT"), pkg1.problem());
    assertNull(c.zones().get(0).problem());
    IOException e = assertThrows(IOException.class, () -> c.readMicrojoules(3));
    assertTrue(e.getMessage().contains("intel-rapl:1/energy_uj"), e.getMessage());
    EnergyMeter meter = new EnergyMeter(c);
    meter.sample();
    assertTrue(meter.totals().get(3).lastError().contains("energy_uj"));
  }

  @Test
  void withoutPowercapTheAmdEnergyHwmonSocketCountersAreUsed() throws IOException {
    file("devices/system/cpu/cpu0/topology/physical_package_id", 0);
    file("class/hwmon/hwmon3/name", "amd_energy");
    file("class/hwmon/hwmon3/energy1_label", "Ecore000");
    file("class/hwmon/hwmon3/energy1_input", 5);
    file("class/hwmon/hwmon3/energy2_label", "Esocket0");
    file("class/hwmon/hwmon3/energy2_input", 123_456_789);
    file("class/hwmon/hwmon0/name", "k10temp");
    SysfsEnergyCounters c = new SysfsEnergyCounters(root);
    assertEquals(1, c.zones().size(), "the socket counter only");
    EnergyZone z = c.zones().get(0);
    assertEquals("hwmon3/energy2_input", z.id());
    assertEquals("package-0", z.name());
    assertEquals(0, z.rangeMicrojoules(), "a 64-bit accumulator: no wrap");
    assertEquals(CpuSet.of(0), z.cpus());
    assertEquals(123_456_789L, c.readMicrojoules(0));
    assertTrue(c.description().startsWith("hwmon amd_energy at "));
  }

  @Test
  void aHostWithoutCountersHasNoZones() {
    SysfsEnergyCounters c = new SysfsEnergyCounters(root);
    assertEquals(List.of(), c.zones());
    assertTrue(c.description().startsWith("none found under "), c.description());
  }
}
