package io.vmpower.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.HostConfig;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.monitor.ChannelMonitor;
import io.vmpower.core.monitor.RequestDispatcher;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.power.ScaleOp;
import io.vmpower.core.testing.FakeChannelTransport;
import io.vmpower.core.testing.FakeClock;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.testing.FakeHypervisor;
import io.vmpower.core.vm.VmRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Shutdown restores every CPU, once, whatever else fails. */
class HostLifecycleTest {
  private final FakeCpuFrequencies hw =
      FakeCpuFrequencies.uniform(2, FakeCpuFrequencies.TURBO_TABLE, 4);
  private final FakeChannelTransport transport = new FakeChannelTransport();
  private final PowerManager power = new PowerManager(hw);
  private final FakeHypervisor hypervisor =
      new FakeHypervisor(2).defineOneToOne("vm1", VmState.RUNNING, 1);
  private final VmRegistry registry = new VmRegistry();
  private final ChannelMonitor monitor =
      new ChannelMonitor(
          transport,
          new RequestDispatcher(power),
          HostConfig.defaults(Path.of("/nonexistent")),
          new FakeClock(),
          registry);
  private final io.vmpower.core.drift.DriftMonitor drift =
      new io.vmpower.core.drift.DriftMonitor(
          new io.vmpower.core.drift.DriftCheck(
              power, io.vmpower.core.config.DriftSettings.DEFAULTS));
  private final HostLifecycle lifecycle =
      new HostLifecycle(
          new HypervisorSync(hypervisor, registry, monitor),
          monitor,
          hw,
          hypervisor,
          StateFile.none(),
          drift,
          new io.vmpower.core.energy.EnergySampler(
              new io.vmpower.core.energy.EnergyMeter(io.vmpower.core.hal.EnergyCounters.NONE),
              io.vmpower.core.config.EnergySettings.DEFAULTS,
              power,
              hypervisor,
              new io.vmpower.core.testing.FakeVmStatistics(new FakeClock()),
              new FakeClock()));

  @Test
  void shutdownRestoresEveryCpuOnce() {
    lifecycle.start();
    power.scale(0, ScaleOp.MIN);
    power.scale(1, ScaleOp.DISABLE_TURBO);

    assertTrue(drift.running(), "the drift timer runs while the host does");
    assertNull(lifecycle.shutdown());

    assertFalse(drift.running(), "stopped before the restore");
    assertEquals(4, hw.currentIndex(0));
    assertTrue(hw.turboEnabled(1));
    assertTrue(transport.isClosed());
    assertTrue(lifecycle.isShutDown());
    power.scale(0, ScaleOp.MIN);
    assertNull(lifecycle.shutdown(), "a second shutdown does nothing");
    assertEquals(8, hw.currentIndex(0));
  }

  @Test
  void aFailedRestoreIsReported() {
    power.scale(0, ScaleOp.MIN);
    hw.failIndexWrites(0, "EACCES (read-only /sys)");

    String failure = lifecycle.shutdown();

    assertTrue(failure.contains("EACCES (read-only /sys)"), failure);
  }
}
