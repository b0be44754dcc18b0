package io.vmpower.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.HostConfig;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.monitor.ChannelMonitor;
import io.vmpower.core.monitor.RequestDispatcher;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.testing.FakeChannelTransport;
import io.vmpower.core.testing.FakeClock;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.testing.FakeHypervisor;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registry follows the hypervisor's events, so pinning never goes stale. */
class HypervisorSyncTest {
  private final FakeHypervisor hypervisor =
      new FakeHypervisor(8).defineOneToOne("vm1", VmState.RUNNING, 2);
  private final VmRegistry registry = new VmRegistry();
  private ChannelMonitor monitor;
  private Vm vm;

  @BeforeEach
  void build() throws Exception {
    monitor =
        new ChannelMonitor(
            new FakeChannelTransport(),
            new RequestDispatcher(
                new PowerManager(FakeCpuFrequencies.uniform(8, FakeCpuFrequencies.PLAIN_TABLE, 0))),
            HostConfig.defaults(Path.of("/nonexistent")),
            new FakeClock(),
            registry);
    new HypervisorSync(hypervisor, registry, monitor).start();
    vm = new Vm(hypervisor.lookup("vm1").orElseThrow());
    registry.add(vm);
  }

  @AfterEach
  void close() {
    monitor.close();
  }

  @Test
  void aRepinElsewhereUpdatesThePinning() {
    hypervisor.repin("vm1", 1, CpuSet.of(6, 7));

    assertEquals(CpuSet.of(6, 7), vm.pinning(1));
  }

  @Test
  void stopAndStartUpdateTheState() {
    hypervisor.stop("vm1");
    assertEquals(VmState.SHUT_OFF, vm.state());

    hypervisor.start("vm1");
    assertEquals(VmState.RUNNING, vm.state());
  }

  @Test
  void whileTheConnectionIsLostTheLastPinningStaysInUse() {
    HypervisorSync sync = new HypervisorSync(hypervisor, registry, monitor);
    hypervisor.addListener(sync);

    hypervisor.loseConnection("socket closed");
    sync.refresh("vm1");

    assertFalse(sync.connected());
    assertEquals("socket closed", sync.lastLoss());
    assertEquals(CpuSet.of(1), vm.pinning(1));
    hypervisor.restoreConnection();
    assertTrue(sync.connected());
  }
}
