package io.vmpower.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.testing.FakeCpuFrequencies;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The host backend over a fake cpufreq: lcore N is CPU N, driven by core's PowerManager. */
class HostPowerLibraryTest {
  private static final FrequencyTable TABLE = FrequencyTable.of(2601000, 2600000, 2400000, 1800000);

  private final FakeCpuFrequencies cpus =
      FakeCpuFrequencies.uniform(2, TABLE, TABLE.lowestIndex()).priority(0);

  private PowerLibrary library() {
    return new AutoPowerLibrary(
        PowerLibraryConfig.builder()
            .environment(Environment.HOST)
            .sysfsRoot(Path.of("/nonexistent/sys"))
            .build(),
        root -> cpus);
  }

  @Test
  void scalingReportsWhatChanged() throws Exception {
    try (PowerLibrary lib = library()) {
      lib.init(1);

      PowerResult up = lib.freqUp(1);
      assertEquals(PowerResult.Status.CHANGED, up.status());
      assertEquals("Core 1: 1800000 -> 2400000 kHz", up.reason());
      assertFalse(up.isFailure());
      assertEquals("CHANGED (Core 1: 1800000 -> 2400000 kHz)", up.toString());

      assertEquals(PowerResult.Status.CHANGED, lib.freqMax(1).status());
      assertEquals(2601000, lib.currentFrequency(1), "turbo is enabled at start");
      PowerResult again = lib.freqMax(1);
      assertEquals(PowerResult.Status.UNCHANGED, again.status());
      assertFalse(again.isFailure());

      assertEquals(PowerResult.Status.CHANGED, lib.disableTurbo(1).status());
      assertEquals(2600000, lib.currentFrequency(1));
      assertEquals(PowerResult.Status.CHANGED, lib.freqMin(1).status());
      assertEquals(PowerResult.Status.UNCHANGED, lib.freqDown(1).status());
      assertEquals(PowerResult.Status.CHANGED, lib.enableTurbo(1).status());
      assertEquals(2601000, lib.currentFrequency(1));
    }
  }

  @Test
  void aFailedWriteIsAFailureWithItsReason() throws Exception {
    try (PowerLibrary lib = library()) {
      lib.init(0);
      cpus.failNextIndexWrite("EBUSY");

      PowerResult r = lib.freqUp(0);

      assertEquals(PowerResult.Status.FAILED, r.status());
      assertTrue(r.isFailure());
      assertTrue(r.reason().contains("EBUSY"), r.reason());
    }
  }

  @Test
  void theTableAndQueriesComeFromTheBackend() throws Exception {
    try (PowerLibrary lib = library()) {
      lib.init(0);
      lib.init(1);

      assertArrayEquals(new long[] {2601000, 2600000, 2400000, 1800000}, lib.freqs(0));
      assertEquals(
          List.of(new VcpuFrequency(0, 1800000), new VcpuFrequency(1, 1800000)),
          lib.queryFrequencies().entries());
      assertEquals(List.of(new VcpuFrequency(1, 1800000)), lib.queryFrequency(1).entries());
      assertEquals(List.of(new VcpuCapabilities(0, true, true)), lib.queryCaps(0).entries());
      assertEquals(2, lib.queryCapsAll().entries().size());
    }
  }

  @Test
  void aCpuWithoutFrequencyControlCannotBeInitialised() {
    try (PowerLibrary lib = library()) {
      PowerLibraryException e = assertThrows(PowerLibraryException.class, () -> lib.init(7));

      assertEquals(
          "cannot scale lcore 7 on this host: CPU 7 does not exist (host has 2)", e.getMessage());
      assertEquals(CpuSet.empty(), lib.lcores());
    }
  }

  @Test
  void initTwiceIsAnErrorAndTheLastExitRestoresTheSettings() throws Exception {
    try (PowerLibrary lib = library()) {
      lib.init(0);
      lib.init(1);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> lib.init(0));
      assertTrue(e.getMessage().startsWith("lcore 0 is already initialised"), e.getMessage());

      lib.exit(0);
      assertEquals(0, cpus.restoreCalls());
      assertEquals(CpuSet.of(1), lib.lcores());
      IllegalStateException gone = assertThrows(IllegalStateException.class, () -> lib.freqUp(0));
      assertEquals("lcore 0 is not initialised (initialised: 1)", gone.getMessage());
      lib.exit(1);
      assertEquals(1, cpus.restoreCalls());
    }
  }

  @Test
  void aBackendThatCannotOpenFailsInitClearly() {
    try (PowerLibrary lib =
        new AutoPowerLibrary(
            PowerLibraryConfig.builder()
                .environment(Environment.HOST)
                .sysfsRoot(Path.of("/nowhere"))
                .build(),
            root -> {
              throw new IllegalStateException("no cpufreq driver under " + root);
            })) {
      PowerLibraryException e = assertThrows(PowerLibraryException.class, () -> lib.init(0));

      assertEquals(
          "cannot open the cpufreq backend under /nowhere: no cpufreq driver under /nowhere",
          e.getMessage());
    }
  }
}
