package io.vmpower.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The library on the class path an embedding application gets from it: guest's own dependencies
 * (core without Guice, and the SLF4J API), with test tools beside them. Guice, Guava and
 * jakarta.inject are not there, nor any CLI, backend or native library; the library still talks to
 * a host over its KVM channel and scales CPUs through core's power manager.
 */
class EmbeddingClassPathTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "com.google.inject.Guice", // Guice
        "com.google.common.collect.ImmutableList", // Guava, which Guice brings
        "jakarta.inject.Inject", // the annotations on core's classes
        "io.vmpower.hal.linux.cpufreq.SysfsCpuFrequencies",
        "io.vmpower.hal.sim.SimulatedHost",
        "io.vmpower.cli.guest.GuestMain",
        "picocli.CommandLine",
        "org.jline.reader.LineReader",
        "org.libvirt.Connect",
        "com.sun.jna.Native",
        "org.newsclub.net.unix.AFUNIXSocket"
      })
  void theClassPathDoesNotHold(String className) {
    ClassLoader loader = EmbeddingClassPathTest.class.getClassLoader();

    assertThrows(ClassNotFoundException.class, () -> Class.forName(className, false, loader));
  }

  @Test
  void coresInjectAnnotationsAreIgnoredWhenTheirClassesAreMissing() {
    // PowerManager is @Singleton with an @Inject constructor for the host's Guice wiring
    assertEquals(0, PowerManager.class.getAnnotations().length);
    assertEquals(
        0, PowerManager.class.getConstructors()[0].getAnnotations().length, "@Inject is dropped");
  }

  @Test
  void aKvmChannelRoundTripWorks() throws Exception {
    Path prefix = dir.resolve("virtio.serial.port.poweragent");
    try (FakeKvmHost host =
            FakeKvmHost.listen(
                KvmPorts.path(prefix, 0),
                WireFormat.DPDK,
                request ->
                    FakeKvmHost.command(request) == Wire.QUERY_FREQ
                        ? FakeKvmHost.freqList(request, 2400000)
                        : FakeKvmHost.ackScale(request));
        PowerLibrary lib =
            new AutoPowerLibrary(
                PowerLibraryConfig.builder()
                    .environment(Environment.VM)
                    .portPrefix(prefix)
                    .vmName("embedded")
                    .replyTimeout(Duration.ofSeconds(2))
                    .build(),
                root -> {
                  throw new AssertionError("a VM never opens cpufreq");
                })) {
      lib.init(0);
      byte[] connect = host.nextRequest();
      assertEquals(Wire.CPU_POWER_CONNECT, FakeKvmHost.command(connect));

      assertEquals(PowerResult.ack(), lib.freqUp(0));
      byte[] up = host.nextRequest();
      assertEquals(Wire.CPU_POWER, FakeKvmHost.command(up));
      assertEquals(0, FakeKvmHost.resourceId(up));
      assertEquals(List.of(new VcpuFrequency(0, 2400000)), lib.queryFrequency(0).entries());
    }
  }

  @Test
  void onAHostCoresPowerManagerScalesTheCpus() throws Exception {
    FrequencyTable table = FrequencyTable.of(2601000, 2600000, 2400000, 1800000);
    FakeCpuFrequencies cpus = FakeCpuFrequencies.uniform(2, table, table.lowestIndex());
    try (PowerLibrary lib =
        new AutoPowerLibrary(
            PowerLibraryConfig.builder()
                .environment(Environment.HOST)
                .sysfsRoot(dir.resolve("sys"))
                .build(),
            root -> cpus)) {
      lib.init(1);

      assertEquals("Core 1: 1800000 -> 2400000 kHz", lib.freqUp(1).reason());
      assertArrayEquals(new long[] {2601000, 2600000, 2400000, 1800000}, lib.freqs(1));
      assertEquals(CpuSet.of(1), lib.lcores());
    }
    assertEquals(1, cpus.restores(), "closing the library put CPU 1 back");
  }
}
