package io.vmpower.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.power.PowerArbiter;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.testing.FakeHypervisor;
import org.junit.jupiter.api.Test;

/** CPUs dedicated to VMs: lowered while no running VM is pinned there, raised before one is. */
class DedicatedCpusTest {
  /** Every CPU at index 4: 2000000 kHz. */
  final FakeCpuFrequencies hw = FakeCpuFrequencies.uniform(8, FakeCpuFrequencies.TURBO_TABLE, 4);

  final FakeHypervisor hypervisor =
      new FakeHypervisor(8)
          .define("d1", VmState.RUNNING, CpuSet.of(4), CpuSet.of(5))
          .define("off", VmState.SHUT_OFF, CpuSet.of(6))
          .define("elsewhere", VmState.RUNNING, CpuSet.of(1));
  final PowerArbiter arbiter = new PowerArbiter(new PowerManager(hw));
  final DedicatedCpus dedicated =
      new DedicatedCpus(
          hypervisor, arbiter, PolicySettings.defaults().withDedicatedCpus(CpuSet.range(4, 7)));

  long khz(int cpu) {
    return hw.table(cpu).get(hw.currentIndex(cpu));
  }

  @Test
  void atStartTheUnusedOnesGoToTheirLowest() {
    dedicated.start();
    assertEquals(2000000, khz(4));
    assertEquals(2000000, khz(5));
    assertEquals(1200000, khz(6));
    assertEquals(1200000, khz(7));
    assertEquals(2000000, khz(0), "not dedicated: untouched");
    DedicatedCpus.View v = dedicated.view();
    assertEquals(CpuSet.of(6, 7), v.parked());
    assertEquals(2, v.lowered());
    assertEquals(0, v.raised());
  }

  @Test
  void theyAreRaisedBeforeAVmPinnedToThemStartsToWhatTheyRanAt() throws Exception {
    dedicated.start();
    assertEquals(CpuSet.of(6), dedicated.prepare("off"));
    assertEquals(2000000, khz(6), "back to the frequency it had when lowered");
    assertEquals(1200000, khz(7));
    hypervisor.start("off");
    dedicated.vmStarted("off", null);
    assertEquals(CpuSet.of(7), dedicated.view().parked());
    assertEquals(1, dedicated.view().raised());
    assertThrows(HypervisorException.class, () -> dedicated.prepare("nosuch"));
  }

  @Test
  void aStoppedVmsCpusAreLoweredAndARepinOntoThemRaisesThem() {
    dedicated.start();
    hypervisor.stop("d1");
    dedicated.vmStopped("d1", null);
    assertEquals(CpuSet.range(4, 7), dedicated.view().parked());
    assertEquals(1200000, khz(4));
    assertEquals(CpuSet.of(5), dedicated.prepareRepin("elsewhere", CpuSet.of(0, 5)));
    assertEquals(2000000, khz(5));
  }

  @Test
  void aRunningUnpinnedVmUsesEveryCpu() {
    hypervisor.define("loose", VmState.RUNNING, CpuSet.range(0, 7)); // unpinned: may run anywhere
    dedicated.start();
    assertTrue(dedicated.view().parked().isEmpty());
    assertEquals(2000000, khz(7));
  }

  @Test
  void whenTheHypervisorCannotSayNothingChanges() {
    hypervisor.loseConnection("gone");
    dedicated.start();
    assertTrue(dedicated.view().parked().isEmpty());
    assertTrue(dedicated.view().problem().contains("gone"), dedicated.view().problem());
    assertEquals(2000000, khz(7));
    hypervisor.restoreConnection();
    dedicated.reconnected();
    assertEquals(CpuSet.of(6, 7), dedicated.view().parked());
    assertEquals("", dedicated.view().problem());
  }

  @Test
  void aCpuThatCannotBeLoweredIsReportedAndTriedAgainLater() {
    hw.failIndexWrites(7, "EBUSY");
    dedicated.start();
    assertEquals(CpuSet.of(6), dedicated.view().parked());
    assertTrue(dedicated.view().problem().contains("lowering CPU 7 failed"));
    assertEquals(2000000, khz(7));
    hw.healWrites(7);
    dedicated.vmChanged("elsewhere", null);
    assertEquals(CpuSet.of(6, 7), dedicated.view().parked());
    assertEquals(1200000, khz(7));
  }
}
