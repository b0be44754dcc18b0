package io.vmpower.core.power;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.vm.Vm;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The highest demand, kept as slots are added, changed and removed, is always the true one. */
class CpuDemandsTest {
  @Test
  void theKeptBestIsAlwaysTheLowestIndexDemanded() {
    long seed = Long.getLong("vmpower.seed", 7L);
    System.out.println("CpuDemandsTest seed " + seed);
    Random r = new Random(seed);
    Vm[] vms = new Vm[12];
    for (int i = 0; i < vms.length; i++) {
      vms[i] = new Vm(new VmInfo("v" + i, VmState.RUNNING, 1, List.of(CpuSet.of(0))));
    }
    CpuDemands d = new CpuDemands();
    for (int step = 0; step < 20_000; step++) {
      Vm vm = vms[r.nextInt(vms.length)];
      int slot = d.slot(vm);
      int op = r.nextInt(3);
      if (slot < 0) {
        d.add(vm, r.nextInt(9), DemandSource.GUEST, step);
      } else if (op == 0) {
        d.remove(slot);
      } else {
        d.set(slot, r.nextInt(9), DemandSource.POLICY, step);
      }
      int expected = -1;
      for (int i = 0; i < d.count(); i++) {
        expected = expected < 0 ? d.index(i) : Math.min(expected, d.index(i));
      }
      assertEquals(expected, d.best(), "after step " + step);
    }
  }
}
