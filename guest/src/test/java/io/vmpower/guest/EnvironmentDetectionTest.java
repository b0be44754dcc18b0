package io.vmpower.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.wire.WireFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentDetectionTest {
  @TempDir Path dir;

  private final List<Path> opened = new ArrayList<>();
  private final Function<Path, CpuFrequencies> factory =
      root -> {
        opened.add(root);
        FrequencyTable table = FrequencyTable.of(2601000, 2600000, 1800000);
        return FakeCpuFrequencies.uniform(4, table, table.lowestIndex()).priority(0);
      };

  private Path sysfs() {
    return dir.resolve("sys");
  }

  private Path prefix() {
    return dir.resolve("dev/virtio-ports/virtio.serial.port.poweragent");
  }

  private void cpufreq(int cpu, boolean withDriver) throws IOException {
    Path folder =
        Files.createDirectories(sysfs().resolve("devices/system/cpu/cpu" + cpu + "/cpufreq"));
    if (withDriver) {
      Files.writeString(folder.resolve("scaling_driver"), "acpi-cpufreq\n");
    }
  }

  private AutoPowerLibrary library(Environment env) {
    return new AutoPowerLibrary(
        PowerLibraryConfig.builder()
            .environment(env)
            .sysfsRoot(sysfs())
            .portPrefix(prefix())
            .build(),
        factory);
  }

  @Test
  void aUsableCpufreqFolderMeansAHost() throws Exception {
    cpufreq(1, true);
    try (AutoPowerLibrary lib = library(Environment.AUTO)) {
      assertEquals(Environment.AUTO, lib.environment());

      lib.init(1);

      assertEquals(Environment.HOST, lib.environment());
      assertEquals(List.of(sysfs()), opened, "the backend is opened on the sysfs root");
    }
  }

  @Test
  void aPortAndNoUsableCpufreqMeansAVm() throws Exception {
    cpufreq(0, false); // a cpufreq folder without scaling_driver is not usable
    Files.createDirectories(prefix().getParent());
    try (FakeKvmHost host =
            FakeKvmHost.listen(KvmPorts.path(prefix(), 0), WireFormat.DPDK, FakeKvmHost::ackScale);
        AutoPowerLibrary lib = library(Environment.AUTO)) {
      lib.init(0);

      assertEquals(Environment.VM, lib.environment());
      assertEquals(PowerResult.ack(), lib.freqUp(0));
      assertEquals(List.of(), opened);
    }
  }

  @Test
  void neitherIsAnErrorNamingBothPlaces() {
    try (AutoPowerLibrary lib = library(Environment.AUTO)) {
      PowerLibraryException e = assertThrows(PowerLibraryException.class, () -> lib.init(2));

      assertTrue(
          e.getMessage().contains(sysfs().resolve("devices/system/cpu/cpu2/cpufreq").toString()),
          e.getMessage());
      assertTrue(e.getMessage().contains(prefix() + ".N"), e.getMessage());
      assertEquals(Environment.AUTO, lib.environment());
    }
  }

  @Test
  void anExplicitEnvironmentIsNotDetected() throws Exception {
    cpufreq(0, true);
    try (AutoPowerLibrary lib = library(Environment.VM)) {
      PowerLibraryException e = assertThrows(PowerLibraryException.class, () -> lib.init(0));

      assertTrue(
          e.getMessage().startsWith("no port " + KvmPorts.path(prefix(), 0)), e.getMessage());
      assertEquals(List.of(), opened);
    }
  }

  @Test
  void theEnvironmentIsChosenAgainOnceNoLcoreIsLeft() throws Exception {
    cpufreq(0, true);
    try (AutoPowerLibrary lib = library(Environment.AUTO)) {
      lib.init(0);
      assertEquals(Environment.HOST, lib.environment());
      lib.exit(0);
      Files.delete(sysfs().resolve("devices/system/cpu/cpu0/cpufreq/scaling_driver"));
      Files.createDirectories(prefix().getParent());
      try (FakeKvmHost host =
          FakeKvmHost.listen(KvmPorts.path(prefix(), 0), WireFormat.DPDK, FakeKvmHost::ackScale)) {
        lib.init(0);
        assertEquals(Environment.VM, lib.environment());
      }
    }
  }

  @Test
  void aFailedRedetectionLeavesNoEnvironmentBehind() throws Exception {
    cpufreq(0, true);
    try (AutoPowerLibrary lib = library(Environment.AUTO)) {
      lib.init(0);
      lib.exit(0);
      Files.delete(sysfs().resolve("devices/system/cpu/cpu0/cpufreq/scaling_driver"));

      assertThrows(PowerLibraryException.class, () -> lib.init(0));

      assertEquals(Environment.AUTO, lib.environment());
    }
  }

  @Test
  void environmentNamesParseStrictly() {
    assertEquals(Environment.HOST, Environment.parse(" Host "));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Environment.parse("cloud"));
    assertEquals(
        "unknown environment 'cloud': use auto, host (cpufreq) or vm (virtio-serial ports)",
        e.getMessage());
  }
}
