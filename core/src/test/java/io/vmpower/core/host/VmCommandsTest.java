package io.vmpower.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.host.Views.ChannelResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** add_vm, rm_vm, set_query: each error says what is wrong and changes nothing. */
class VmCommandsTest extends HostCommandsTestBase {

  @Test
  void addVmOfAnUnknownVmSaysWhichExist() {
    String message = failure(() -> vms.addVm("vm9"));

    assertTrue(message.startsWith("Unknown VM 'vm9'"), message);
    assertTrue(message.contains("(it has: vm, vm.1, vm1, vm3)"), message);
    assertTrue(registry.names().isEmpty());
  }

  @Test
  void addVmTwiceOrWithABadNameIsRefused() throws Exception {
    vms.addVm("vm1");

    assertEquals("VM 'vm1' is already added", failure(() -> vms.addVm("vm1")));
    for (String bad : new String[] {"", "a/b", "vm\n1"}) {
      String message = failure(() -> vms.addVm(bad));
      assertTrue(message.contains("is not a valid VM name"), message);
    }
    assertEquals(List.of("vm1"), registry.names());
  }

  @Test
  void commandsOnAVmNotAddedNameTheAddedOnes() throws Exception {
    assertEquals(
        "Unknown VM 'vm1' (no VM added yet: use add_vm NAME)", failure(() -> lookup.added("vm1")));
    vms.addVm("vm3");
    assertEquals("Unknown VM 'vm1' (known: vm3)", failure(() -> vms.setQuery("vm1", true)));
  }

  @Test
  void rmVmWithChannelsIsRefusedWithTheRmChannelsHint() throws Exception {
    vms.addVm("vm1");
    socket("vm1.0");
    socket("vm1.3");
    channels.addChannels("vm1", ChannelSelection.ALL);

    assertEquals(
        "VM 'vm1' has channels 0, 3: remove them first with rm_channels vm1 all",
        failure(() -> vms.rmVm("vm1")));
    assertEquals(List.of("vm1"), registry.names());

    List<ChannelResult> removed = channels.rmChannels("vm1", ChannelSelection.ALL);
    assertEquals(2, removed.size());
    assertEquals(0, transport.openEndpoints());
    vms.rmVm("vm1");
    assertTrue(registry.names().isEmpty());
  }
}
