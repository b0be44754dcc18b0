package io.vmpower.core.host;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmpower.core.config.ChannelRules;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.monitor.ChannelMonitor;
import io.vmpower.core.monitor.RequestDispatcher;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.testing.FakeChannelTransport;
import io.vmpower.core.testing.FakeClock;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.testing.FakeHypervisor;
import io.vmpower.core.vm.VmRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The operator commands over the fakes, as the host assembles them. */
abstract class HostCommandsTestBase {
  @TempDir Path dir;

  final FakeHypervisor hypervisor =
      new FakeHypervisor(8)
          .defineOneToOne("vm1", VmState.RUNNING, 2)
          .defineOneToOne("vm3", VmState.SHUT_OFF, 2)
          .defineOneToOne("vm.1", VmState.RUNNING, 1)
          .defineOneToOne("vm", VmState.RUNNING, 1);
  final FakeCpuFrequencies hw = FakeCpuFrequencies.uniform(8, FakeCpuFrequencies.TURBO_TABLE, 4);
  final FakeChannelTransport transport = new FakeChannelTransport();
  final VmRegistry registry = new VmRegistry();
  ChannelMonitor monitor;
  VmLookup lookup;
  VmCommands vms;
  ChannelCommands channels;
  ChannelRules rules;
  PinningCommands pinning;
  FrequencyCommands frequencies;
  HostViews views;

  @BeforeEach
  void build() {
    HostConfig config = HostConfig.defaults(dir);
    rules = new ChannelRules(config);
    PowerManager power = new PowerManager(hw);
    monitor =
        new ChannelMonitor(
            transport, new RequestDispatcher(power), config, rules, new FakeClock(), registry);
    HypervisorSync sync = new HypervisorSync(hypervisor, registry, monitor);
    sync.start();
    lookup = new VmLookup(hypervisor, registry);
    vms = new VmCommands(registry, lookup);
    channels =
        new ChannelCommands(
            lookup, monitor, new ChannelFolder(transport, rules, registry), rules, sync);
    pinning = new PinningCommands(hypervisor, lookup, sync);
    frequencies = new FrequencyCommands(power);
    views = new HostViews(registry, lookup, power, sync);
  }

  @AfterEach
  void close() {
    monitor.close();
  }

  /** A channel socket as QEMU makes it: a file in the channel folder that can be connected to. */
  void socket(String file) throws IOException {
    Files.createFile(dir.resolve(file));
    transport.listen(dir.resolve(file));
  }

  static ChannelSelection selection(String text) throws CommandException {
    return ChannelSelection.parse(text);
  }

  static String failure(Executable command) {
    return assertThrows(CommandException.class, command).getMessage();
  }

  /** Everything a command could change, as text. */
  String snapshot() {
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
}
