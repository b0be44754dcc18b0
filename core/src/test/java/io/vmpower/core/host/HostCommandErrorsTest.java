package io.vmpower.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.power.ScaleOp;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelState;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Whatever group a command is of, a command that fails leaves the host as it was. */
class HostCommandErrorsTest extends HostCommandsTestBase {

  @Test
  void everyErrorLeavesTheRegistryAsItWas() throws Exception {
    vms.addVm("vm1");
    vms.addVm("vm3");
    socket("vm1.0");
    channels.addChannels("vm1", selection("0"));
    vms.setQuery("vm1", true);
    String before = snapshot();
    List<Executable> failing =
        List.of(
            () -> vms.addVm("vm9"),
            () -> vms.addVm("vm1"),
            () -> vms.addVm("a/b"),
            () -> vms.rmVm("vm1"),
            () -> vms.rmVm("vm9"),
            () -> channels.addChannels("vm3", selection("0")),
            () -> channels.addChannels("vm1", selection("70")),
            () -> channels.addChannels("vm1", selection("1-")),
            () -> channels.rmChannels("vm1", selection("0,5")),
            () -> channels.setChannelStatus("vm1", selection("7"), false),
            () -> pinning.setPcpus("vm1", 9, CpuSet.of(1)),
            () -> pinning.setPcpus("vm1", 0, CpuSet.of(8)),
            () -> frequencies.setCpuFreq(CpuSet.of(0, 99), ScaleOp.MAX),
            () -> views.showCpuFreq(CpuSet.of(42)));

    for (Executable command : failing) {
      failure(command);
      assertEquals(before, snapshot());
    }
    assertTrue(hw.writes().isEmpty());
    assertEquals(0, hypervisor.pinCalls());
    Channel c = registry.find("vm1").orElseThrow().channel(0);
    assertEquals(ChannelState.CONNECTED, c.state());
  }
}
