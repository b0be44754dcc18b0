package io.vmpower.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.HostConfig;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.host.Views.ChannelResult;
import io.vmpower.core.monitor.ChannelMonitor;
import io.vmpower.core.monitor.RequestDispatcher;
import io.vmpower.core.power.CpuScaleResult;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.power.ScaleOp;
import io.vmpower.core.testing.FakeChannelTransport;
import io.vmpower.core.testing.FakeClock;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.testing.FakeHypervisor;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelState;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The operator commands over the fakes: each error says what is wrong and changes nothing. */
class HostControllerTest {
  @TempDir Path dir;

  private final FakeHypervisor hypervisor =
      new FakeHypervisor(8)
          .defineOneToOne("vm1", VmState.RUNNING, 2)
          .defineOneToOne("vm3", VmState.SHUT_OFF, 2)
          .defineOneToOne("vm.1", VmState.RUNNING, 1)
          .defineOneToOne("vm", VmState.RUNNING, 1);
  private final FakeCpuFrequencies hw =
      FakeCpuFrequencies.uniform(8, FakeCpuFrequencies.TURBO_TABLE, 4);
  private final FakeChannelTransport transport = new FakeChannelTransport();
  private final VmRegistry registry = new VmRegistry();
  private ChannelMonitor monitor;
  private HostController host;

  @BeforeEach
  void build() {
    HostConfig config = HostConfig.defaults(dir);
    PowerManager power = new PowerManager(hw);
    monitor =
        new ChannelMonitor(
            transport, new RequestDispatcher(power), config, new FakeClock(), registry);
    HypervisorSync sync = new HypervisorSync(hypervisor, registry, monitor);
    sync.start();
    host = new HostController(hypervisor, registry, monitor, power, config, sync);
  }

  @AfterEach
  void close() {
    monitor.close();
  }

  /** A channel socket as QEMU makes it: a file in the channel folder that can be connected to. */
  private void socket(String file) throws IOException {
    Files.createFile(dir.resolve(file));
    transport.listen(dir.resolve(file));
  }

  private static String failure(Executable command) {
    return assertThrows(CommandException.class, command).getMessage();
  }

  /** Everything a command could change, as text. */
  private String snapshot() {
    return registry.all().stream()
        .map(
            vm ->
                vm.name()
                    + " "
                    + vm.state()
                    + " q="
                    + vm.queryEnabled()
                    + " pins="
                    + vm.pinning()
                    + " channels="
                    + vm.channels().values().stream()
                        .map(c -> c.number() + ":" + c.state())
                        .collect(Collectors.joining(",")))
        .collect(Collectors.joining("; "));
  }

  @Test
  void addVmOfAnUnknownVmSaysWhichExist() {
    String message = failure(() -> host.addVm("vm9"));

    assertTrue(message.startsWith("Unknown VM 'vm9'"), message);
    assertTrue(message.contains("(it has: vm, vm.1, vm1, vm3)"), message);
    assertTrue(registry.names().isEmpty());
  }

  @Test
  void addVmTwiceOrWithABadNameIsRefused() throws Exception {
    host.addVm("vm1");

    assertEquals("VM 'vm1' is already added", failure(() -> host.addVm("vm1")));
    for (String bad : new String[] {"", "a/b", "vm\n1"}) {
      String message = failure(() -> host.addVm(bad));
      assertTrue(message.contains("is not a valid VM name"), message);
    }
    assertEquals(List.of("vm1"), registry.names());
  }

  @Test
  void commandsOnAVmNotAddedNameTheAddedOnes() throws Exception {
    assertEquals(
        "Unknown VM 'vm1' (no VM added yet: use add_vm NAME)", failure(() -> host.vm("vm1")));
    host.addVm("vm3");
    assertEquals("Unknown VM 'vm1' (known: vm3)", failure(() -> host.setQuery("vm1", true)));
  }

  @Test
  void addChannelsOnAShutOffVmIsRefused() throws Exception {
    host.addVm("vm3");
    socket("vm3.0");

    assertEquals(
        "VM 'vm3' is not running: start it before adding channels",
        failure(() -> host.addChannels("vm3", "0")));

    assertTrue(registry.find("vm3").orElseThrow().channels().isEmpty());
    assertEquals(0, transport.openAttempts());
  }

  @Test
  void addChannelsAllTakesTheVmsSocketsAndReportsTheRest() throws Exception {
    host.addVm("vm1");
    socket("vm1.0");
    socket("vm1.1");
    socket("vm1.x");
    socket("vm1.99");
    socket("vm10.0");

    List<ChannelResult> results = host.addChannels("vm1", "all");

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
    host.addVm("vm1");
    socket("vm1.\u0663");

    List<ChannelResult> results = host.addChannels("vm1", "all");

    assertEquals(1, results.size(), results.toString());
    assertFalse(results.get(0).ok());
    assertEquals("skipped 'vm1.\u0663': not vm1.N with N a number", results.get(0).message());
    assertTrue(registry.find("vm1").orElseThrow().channels().isEmpty());
  }

  @Test
  void namesWithDotsWork() throws Exception {
    host.addVm("vm.1");
    host.addVm("vm");
    socket("vm.1.0");
    socket("vm.0");

    List<ChannelResult> dotted = host.addChannels("vm.1", "all");
    List<ChannelResult> plain = host.addChannels("vm", "all");

    assertEquals(1, dotted.size(), dotted.toString());
    assertEquals(dir.resolve("vm.1.0"), dotted.get(0).path());
    assertTrue(dotted.get(0).ok());
    assertEquals(1, plain.size(), "vm.1.0 belongs to VM vm.1, not to vm: " + plain);
    assertEquals(dir.resolve("vm.0"), plain.get(0).path());
    assertEquals(0, plain.get(0).channel());
  }

  @Test
  void addChannelsAllWithNoSocketsSaysWhatItExpected() throws Exception {
    host.addVm("vm1");

    String message = failure(() -> host.addChannels("vm1", "all"));

    assertTrue(message.startsWith("no channel sockets for VM 'vm1' in " + dir), message);
    assertTrue(message.contains("expected vm1.0, vm1.1"), message);
  }

  @Test
  void aChannelThatCannotBeAttachedIsReportedAndNotKept() throws Exception {
    host.addVm("vm1");
    socket("vm1.0");

    List<ChannelResult> results = host.addChannels("vm1", "0-1");

    assertTrue(results.get(0).ok());
    assertFalse(results.get(1).ok());
    assertTrue(results.get(1).message().contains("no such socket"), results.get(1).message());
    assertEquals(List.of(0), List.copyOf(registry.find("vm1").orElseThrow().channels().keySet()));
  }

  @Test
  void channelNumbersAreChecked() throws Exception {
    host.addVm("vm1");

    assertEquals(
        "channel 64 is out of range: channel numbers run 0-63",
        failure(() -> host.addChannels("vm1", "0,64")));
    String message = failure(() -> host.addChannels("vm1", "zero"));
    assertTrue(message.contains("is not a valid channel list"), message);
    assertTrue(registry.find("vm1").orElseThrow().channels().isEmpty());
    assertEquals(0, transport.openAttempts());
  }

  @Test
  void rmVmWithChannelsIsRefusedWithTheRmChannelsHint() throws Exception {
    host.addVm("vm1");
    socket("vm1.0");
    socket("vm1.3");
    host.addChannels("vm1", "all");

    assertEquals(
        "VM 'vm1' has channels 0, 3: remove them first with rm_channels vm1 all",
        failure(() -> host.rmVm("vm1")));
    assertEquals(List.of("vm1"), registry.names());

    List<ChannelResult> removed = host.rmChannels("vm1", "all");
    assertEquals(2, removed.size());
    assertEquals(0, transport.openEndpoints());
    host.rmVm("vm1");
    assertTrue(registry.names().isEmpty());
  }

  @Test
  void setPcpuChecksTheVcpuAndThePcpus() throws Exception {
    host.addVm("vm1");

    assertEquals(
        "vCPU 2 does not exist (VM 'vm1' has 2 vCPUs: 0-1)",
        failure(() -> host.setPcpus("vm1", 2, CpuSet.of(1))));
    assertEquals(
        "pCPU 12 does not exist (host has 8)",
        failure(() -> host.setPcpus("vm1", 0, CpuSet.of(3, 12))));
    assertEquals(
        "the pCPU mask is empty: name at least one pCPU",
        failure(() -> host.setPcpus("vm1", 0, CpuSet.empty())));

    assertEquals(0, hypervisor.pinCalls());
    assertEquals(List.of(CpuSet.of(0), CpuSet.of(1)), registry.find("vm1").orElseThrow().pinning());
  }

  @Test
  void setPcpuPinsAndTheRegistryFollows() throws Exception {
    host.addVm("vm1");

    host.setPcpus("vm1", 1, CpuSet.of(5, 6));

    assertEquals(1, hypervisor.pinCalls());
    assertEquals(CpuSet.of(5, 6), registry.find("vm1").orElseThrow().pinning(1));
  }

  @Test
  void setCpuFreqOnAnUnknownCpuChangesNothing() {
    String message = failure(() -> host.setCpuFreq(CpuSet.of(1, 12), ScaleOp.UP));

    assertEquals("CPU 12 does not exist (host has 8)", message);
    assertTrue(hw.writes().isEmpty(), "CPU 1 was not scaled either");
    assertEquals(
        "the core mask is empty: name at least one core",
        failure(() -> host.setCpuFreq(CpuSet.empty(), ScaleOp.UP)));
  }

  @Test
  void setCpuFreqScalesEachCpuAndReports() throws Exception {
    List<CpuScaleResult> results = host.setCpuFreq(CpuSet.of(1, 2), ScaleOp.UP);

    assertEquals(2, results.size());
    assertEquals("Core 1: 2000000 -> 2200000 kHz", results.get(0).describe());
    assertEquals(3, hw.currentIndex(2));
  }

  @Test
  void everyErrorLeavesTheRegistryAsItWas() throws Exception {
    host.addVm("vm1");
    host.addVm("vm3");
    socket("vm1.0");
    host.addChannels("vm1", "0");
    host.setQuery("vm1", true);
    String before = snapshot();
    List<Executable> failing =
        List.of(
            () -> host.addVm("vm9"),
            () -> host.addVm("vm1"),
            () -> host.addVm("a/b"),
            () -> host.rmVm("vm1"),
            () -> host.rmVm("vm9"),
            () -> host.addChannels("vm3", "0"),
            () -> host.addChannels("vm1", "70"),
            () -> host.addChannels("vm1", "1-"),
            () -> host.rmChannels("vm1", "0,5"),
            () -> host.setChannelStatus("vm1", "7", false),
            () -> host.setPcpus("vm1", 9, CpuSet.of(1)),
            () -> host.setPcpus("vm1", 0, CpuSet.of(8)),
            () -> host.setCpuFreq(CpuSet.of(0, 99), ScaleOp.MAX),
            () -> host.showCpuFreq(CpuSet.of(42)));

    for (Executable command : failing) {
      failure(command);
      assertEquals(before, snapshot());
    }
    assertTrue(hw.writes().isEmpty());
    assertEquals(0, hypervisor.pinCalls());
    Channel c = registry.find("vm1").orElseThrow().channel(0);
    assertEquals(ChannelState.CONNECTED, c.state());
  }

  @Test
  void rmChannelsOfAMissingChannelNamesTheExistingOnes() throws Exception {
    host.addVm("vm1");
    socket("vm1.2");
    host.addChannels("vm1", "2");

    assertEquals(
        "VM 'vm1' has no channel 0, 5 (it has: 2)", failure(() -> host.rmChannels("vm1", "0,5")));
  }

  @Test
  void setChannelStatusDisablesAndEnables() throws Exception {
    host.addVm("vm1");
    socket("vm1.0");
    host.addChannels("vm1", "0");

    assertEquals("DISABLED", host.setChannelStatus("vm1", "0", false).get(0).message());
    assertEquals("CONNECTED", host.setChannelStatus("vm1", "all", true).get(0).message());
  }
}
