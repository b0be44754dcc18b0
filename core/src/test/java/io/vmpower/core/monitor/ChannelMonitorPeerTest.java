package io.vmpower.core.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmpower.core.config.HostConfig;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.PeerCredentials;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.testing.FakeChannelTransport;
import io.vmpower.core.testing.FakeClock;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.testing.LogCapture;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor never waits for a peer's pid: a backend may have to scan /proc to find it. */
class ChannelMonitorPeerTest {

  @TempDir Path dir;

  @Test
  void attachingUsesAndLogsThePeersIdsWithoutLookingUpItsPid() throws Exception {
    FakeChannelTransport transport = new FakeChannelTransport();
    VmRegistry registry = new VmRegistry();
    Vm vm1 = new Vm(new VmInfo("vm1", VmState.RUNNING, 1, List.of(CpuSet.of(2))));
    registry.add(vm1);
    FakeClock clock = new FakeClock();
    FakeCpuFrequencies hw = FakeCpuFrequencies.uniform(8, FakeCpuFrequencies.TURBO_TABLE, 4);
    AtomicInteger lookups = new AtomicInteger();
    Channel channel = vm1.addChannel(0, dir.resolve("vm1.0"));
    transport
        .listen(channel.path())
        .peer(
            PeerCredentials.withPidLookup(
                64055,
                64055,
                () -> {
                  lookups.incrementAndGet();
                  return 14676;
                }));

    try (ChannelMonitor monitor =
            new ChannelMonitor(
                transport,
                new RequestDispatcher(new PowerManager(hw), clock),
                HostConfig.defaults(dir),
                clock,
                registry);
        LogCapture logs = new LogCapture(ChannelMonitor.class)) {
      monitor.attach(channel);
      monitor.turn(0);

      assertEquals(
          List.of("INFO vm1.0: attached to " + channel.path() + " (peer uid=64055 gid=64055)"),
          logs.matching("attached to"));
      assertEquals(0, lookups.get());
    }
    assertEquals("uid=64055 gid=64055 pid=14676", channel.peer().toString());
    assertEquals(1, lookups.get());
  }
}
