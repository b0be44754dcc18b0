package io.vmpower.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.host.Views.ChannelResult;
import io.vmpower.core.vm.ChannelState;
import io.vmpower.core.vm.Vm;
import java.util.List;
import org.junit.jupiter.api.Test;

/** add_channels, rm_channels, set_channel_status, and the channel numbers completion offers. */
class ChannelCommandsTest extends HostCommandsTestBase {

  @Test
  void addChannelsOnAShutOffVmIsRefused() throws Exception {
    vms.addVm("vm3");
    socket("vm3.0");

    assertEquals(
        "VM 'vm3' is not running: start it before adding channels",
        failure(() -> channels.addChannels("vm3", selection("0"))));

    assertTrue(registry.find("vm3").orElseThrow().channels().isEmpty());
    assertEquals(0, transport.openAttempts());
  }

  @Test
  void addChannelsAllTakesTheVmsSocketsAndReportsTheRest() throws Exception {
    vms.addVm("vm1");
    socket("vm1.0");
    socket("vm1.1");
    socket("vm1.x");
    socket("vm1.99");
    socket("vm10.0");

    List<ChannelResult> results = channels.addChannels("vm1", ChannelSelection.ALL);

    assertEquals(4, results.size(), results.toString());
    assertEquals(-1, results.get(0).channel());
    assertFalse(results.get(0).ok());
    assertEquals("skipped 'vm1.x': not vm1.N with N a number", results.get(0).message());
    assertTrue(results.get(1).ok());
    assertEquals(dir.resolve("vm1.0"), results.get(1).path());
    assertEquals("added, CONNECTED", results.get(1).message());
    assertTrue(results.get(2).ok());
    assertEquals(99, results.get(3).channel());
    assertEquals("skipped 'vm1.99': channel numbers run 0-63", results.get(3).message());
    Vm vm = registry.find("vm1").orElseThrow();
    assertEquals(List.of(0, 1), List.copyOf(vm.channels().keySet()));
    assertEquals(ChannelState.CONNECTED, vm.channel(1).state());
  }

  @Test
  void addChannelsAllTakesOnlyAsciiChannelNumbers() throws Exception {
    vms.addVm("vm1");
    socket("vm1.\u0663");

    List<ChannelResult> results = channels.addChannels("vm1", ChannelSelection.ALL);

    assertEquals(1, results.size(), results.toString());
    assertFalse(results.get(0).ok());
    assertEquals("skipped 'vm1.\u0663': not vm1.N with N a number", results.get(0).message());
    assertTrue(registry.find("vm1").orElseThrow().channels().isEmpty());
  }

  @Test
  void namesWithDotsWork() throws Exception {
    vms.addVm("vm.1");
    vms.addVm("vm");
    socket("vm.1.0");
    socket("vm.0");

    List<ChannelResult> dotted = channels.addChannels("vm.1", ChannelSelection.ALL);
    List<ChannelResult> plain = channels.addChannels("vm", ChannelSelection.ALL);

    assertEquals(1, dotted.size(), dotted.toString());
    assertEquals(dir.resolve("vm.1.0"), dotted.get(0).path());
    assertTrue(dotted.get(0).ok());
    assertEquals(1, plain.size(), "vm.1.0 belongs to VM vm.1, not to vm: " + plain);
    assertEquals(dir.resolve("vm.0"), plain.get(0).path());
    assertEquals(0, plain.get(0).channel());
  }

  @Test
  void addChannelsAllWithNoSocketsSaysWhatItExpected() throws Exception {
    vms.addVm("vm1");

    String message = failure(() -> channels.addChannels("vm1", ChannelSelection.ALL));

    assertTrue(message.startsWith("no channel sockets for VM 'vm1' in " + dir), message);
    assertTrue(message.contains("expected vm1.0, vm1.1"), message);
  }

  @Test
  void aChannelThatCannotBeAttachedIsReportedAndNotKept() throws Exception {
    vms.addVm("vm1");
    socket("vm1.0");

    List<ChannelResult> results = channels.addChannels("vm1", selection("0-1"));

    assertTrue(results.get(0).ok());
    assertFalse(results.get(1).ok());
    assertTrue(results.get(1).message().contains("no such socket"), results.get(1).message());
    assertEquals(List.of(0), List.copyOf(registry.find("vm1").orElseThrow().channels().keySet()));
  }

  @Test
  void channelNumbersAreChecked() throws Exception {
    vms.addVm("vm1");

    assertEquals(
        "channel 64 is out of range: channel numbers run 0-63",
        failure(() -> channels.addChannels("vm1", selection("0,64"))));
    String message = failure(() -> channels.addChannels("vm1", selection("zero")));
    assertTrue(message.contains("is not a valid channel list"), message);
    assertTrue(registry.find("vm1").orElseThrow().channels().isEmpty());
    assertEquals(0, transport.openAttempts());
  }

  @Test
  void rmChannelsOfAMissingChannelNamesTheExistingOnes() throws Exception {
    vms.addVm("vm1");
    socket("vm1.2");
    channels.addChannels("vm1", selection("2"));

    assertEquals(
        "VM 'vm1' has no channel 0, 5 (it has: 2)",
        failure(() -> channels.rmChannels("vm1", selection("0,5"))));
  }

  @Test
  void setChannelStatusDisablesAndEnables() throws Exception {
    vms.addVm("vm1");
    socket("vm1.0");
    channels.addChannels("vm1", selection("0"));

    assertEquals(
        "DISABLED", channels.setChannelStatus("vm1", selection("0"), false).get(0).message());
    assertEquals(
        "CONNECTED", channels.setChannelStatus("vm1", ChannelSelection.ALL, true).get(0).message());
  }

  @Test
  void completionOffersOnlyTheVmsOwnChannelsAndSockets() throws Exception {
    vms.addVm("vm1");
    vms.addVm("vm.1");
    socket("vm1.0");
    socket("vm1.3");
    channels.addChannels("vm1", selection("0"));
    socket("vm1.7");
    socket("vm1.99");
    socket("vm1.x");
    socket("vm10.5");
    socket("vm.1.2");
    socket("vm.4");
    socket("other.12345");

    assertEquals(List.of(0, 3, 7), channels.candidates("vm1"));
    assertEquals(List.of(2), channels.candidates("vm.1"));
    assertEquals(List.of(4), channels.candidates("vm"), "vm.1.2 is not a channel of vm");
    assertEquals(List.of(), channels.candidates("vm3"));
  }
}
