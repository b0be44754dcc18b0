package io.vmpower.core.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.vm.Vm;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The arbiter's rules (docs/policies.md): the highest demand wins under per-VM caps, a guest steps
 * from the CPU's frequency where its demand wins, only changed decisions are written.
 */
class PowerArbiterTest {
  /** Index 4 of the turbo table: 2000000 kHz. */
  final FakeCpuFrequencies hw = FakeCpuFrequencies.uniform(8, FakeCpuFrequencies.TURBO_TABLE, 4);

  final PowerArbiter arbiter = new PowerArbiter(new PowerManager(hw));

  static Vm vm(String name, CpuSet... pinning) {
    return new Vm(new VmInfo(name, VmState.RUNNING, pinning.length, Arrays.asList(pinning)));
  }

  final Vm a = vm("a", CpuSet.of(2), CpuSet.of(3));
  final Vm b = vm("b", CpuSet.of(2));

  long khz(int cpu) {
    return hw.table(cpu).get(hw.currentIndex(cpu));
  }

  @Test
  void onACpuOfOneVmWithoutPolicyOrCapARequestDoesWhatThePowerManagerDid() {
    long seed = Long.getLong("vmpower.seed", 13L);
    System.out.println("PowerArbiterTest seed " + seed);
    Random random = new Random(seed);
    FakeCpuFrequencies before = FakeCpuFrequencies.uniform(8, FakeCpuFrequencies.TURBO_TABLE, 4);
    PowerManager old = new PowerManager(before);
    PowerManager now = arbiter.power();
    ScaleOp[] ops = ScaleOp.values();
    for (int i = 0; i < 2000; i++) {
      int vcpu = random.nextInt(2);
      ScaleOp op = ops[random.nextInt(ops.length)];
      if (random.nextInt(10) == 0) { // an operator's set_cpu_freq acts on the CPU directly
        int cpu = 2 + random.nextInt(2);
        ScaleOp direct = ops[random.nextInt(ops.length)];
        old.scaleReport(cpu, direct);
        now.scaleReport(cpu, direct);
        continue;
      }
      ScaleOutcome expected = old.scaleAll(a.pinning(vcpu), op);
      ScaleOutcome actual = arbiter.request(a, vcpu, op);
      assertEquals(expected, actual, "request " + i + ": " + op + " on vCPU " + vcpu);
      for (int cpu = 2; cpu <= 3; cpu++) {
        assertEquals(before.currentIndex(cpu), hw.currentIndex(cpu), "CPU " + cpu + " at " + i);
        assertEquals(before.turboEnabled(cpu), hw.turboEnabled(cpu), "turbo " + cpu + " at " + i);
      }
    }
    assertEquals(before.writes(), hw.writes(), "the same writes, in the same order");
  }

  @Test
  void onASharedCpuTheHighestDemandWins() {
    arbiter.request(a, 0, ScaleOp.MAX);
    assertEquals(2601000, khz(2));
    assertEquals(ScaleOutcome.UNCHANGED, arbiter.request(b, 0, ScaleOp.MIN), "b is outvoted");
    assertEquals(2601000, khz(2));
    arbiter.release(a, 2); // a stops needing it
    assertEquals(1200000, khz(2), "b's demand decides now");
  }

  @Test
  void anOutvotedGuestStepsFromItsOwnDemand() {
    arbiter.request(a, 0, ScaleOp.MAX);
    arbiter.request(b, 0, ScaleOp.DOWN); // from the CPU's 2601000: 2600000
    arbiter.request(b, 0, ScaleOp.DOWN); // from its own 2600000: 2400000
    arbiter.request(b, 0, ScaleOp.DOWN);
    assertEquals(2601000, khz(2));
    assertEquals(3, arbiter.demandOf(b, 2), "b's demand went down three steps: 2200000 kHz");
    arbiter.release(a, 2);
    assertEquals(2200000, khz(2));
  }

  @Test
  void aCapClampsTheVmsDemandsAndNeverAnotherVms() {
    a.capKhz(2000000);
    arbiter.request(a, 0, ScaleOp.MAX);
    assertEquals(2000000, khz(2), "max within the cap");
    arbiter.request(a, 0, ScaleOp.UP);
    assertEquals(2000000, khz(2));
    arbiter.request(b, 0, ScaleOp.MAX);
    assertEquals(2601000, khz(2), "b has no cap");
  }

  @Test
  void settingACapLowersTheVmsCpusToIt() {
    arbiter.request(a, 0, ScaleOp.MAX);
    a.capKhz(2200000);
    arbiter.applyCap(a);
    assertEquals(2200000, khz(2), "its demand clamped");
    assertEquals(2000000, khz(3), "what it ran at was within the cap");
    a.capKhz(1500000);
    arbiter.applyCap(a);
    assertEquals(1400000, khz(2), "the highest entry not above 1500000");
    assertEquals(1400000, khz(3), "where it had no demand, what it ran at, clamped");
    assertEquals(DemandSource.CAP, arbiter.demandsOf(a).get(1).source());
    a.capKhz(0);
    arbiter.applyCap(a);
    assertEquals(1400000, khz(2), "lifting a cap raises nothing by itself");
  }

  @Test
  void onlyChangedDecisionsAreWritten() {
    arbiter.demand(a, 2, FrequencyLevel.MIN);
    int writes = hw.writes().size();
    for (int i = 0; i < 10; i++) {
      assertEquals(ScaleOutcome.UNCHANGED, arbiter.demand(a, 2, FrequencyLevel.MIN));
      assertEquals(ScaleOutcome.UNCHANGED, arbiter.demand(b, 2, FrequencyLevel.MIN));
    }
    assertEquals(writes, hw.writes().size());
  }

  @Test
  void aFailedWriteKeepsTheCpuAndTheVmsPreviousDemand() {
    arbiter.demand(a, 2, 6);
    hw.failIndexWrites(2, "EBUSY");
    assertEquals(ScaleOutcome.FAILED, arbiter.request(a, 0, ScaleOp.MAX));
    assertEquals(6, arbiter.demandOf(a, 2));
    assertEquals(1600000, khz(2));
    assertEquals(ScaleOutcome.FAILED, arbiter.demand(b, 2, FrequencyLevel.MAX));
    assertEquals(-1, arbiter.demandOf(b, 2), "b's first demand is forgotten");
  }

  @Test
  void aParkedCpuRunsAtItsLowestWhileNobodyDemandsAndIsRaisedOnRequest() {
    assertEquals(ScaleOutcome.CHANGED, arbiter.park(5));
    assertEquals(1200000, khz(5));
    assertTrue(arbiter.parked(5));
    assertEquals(ScaleOutcome.CHANGED, arbiter.unpark(5, 1));
    assertEquals(2600000, khz(5));
    Vm c = vm("c", CpuSet.of(5));
    arbiter.park(5);
    arbiter.request(c, 0, ScaleOp.UP); // a VM's demand decides, parked or not
    assertEquals(1400000, khz(5));
    arbiter.release(c, 5);
    assertEquals(1200000, khz(5), "parked again once nobody demands");
  }

  @Test
  void aVmMovedAwayKeepsNoDemandOnItsOldCpu() {
    Vm moving = vm("m", CpuSet.of(6));
    arbiter.request(moving, 0, ScaleOp.MAX);
    moving.update(new VmInfo("m", VmState.RUNNING, 1, List.of(CpuSet.of(7))));
    arbiter.releaseUnpinned(moving);
    assertEquals(-1, arbiter.demandOf(moving, 6));
    assertEquals(2601000, khz(6), "a CPU nobody demands keeps its frequency");
  }

  @Test
  void releasingOneSourceLeavesTheOthers() {
    arbiter.demand(a, 2, FrequencyLevel.MAX); // a policy's
    arbiter.request(a, 1, ScaleOp.MIN); // a guest's, on CPU 3
    arbiter.releaseSource(a, DemandSource.POLICY, CpuSet.empty());
    assertEquals(-1, arbiter.demandOf(a, 2));
    assertEquals(8, arbiter.demandOf(a, 3));
    var view = arbiter.view(3);
    assertEquals(List.of("a"), view.demands().stream().map(PowerArbiter.Demand::vm).toList());
    assertEquals(8, view.decided());
  }

  @Test
  void theCapIndexIsTheHighestEntryNotAboveIt() {
    var t = FakeCpuFrequencies.TURBO_TABLE;
    assertEquals(0, PowerArbiter.capIndex(t, 3000000));
    assertEquals(1, PowerArbiter.capIndex(t, 2600999));
    assertEquals(8, PowerArbiter.capIndex(t, 1000), "below the table: the lowest");
  }
}
