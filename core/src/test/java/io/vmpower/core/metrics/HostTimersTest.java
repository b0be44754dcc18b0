package io.vmpower.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmpower.core.config.HostConfig;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.monitor.ChannelMonitor;
import io.vmpower.core.monitor.RequestDispatcher;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.power.ScaleOp;
import io.vmpower.core.testing.FakeChannelTransport;
import io.vmpower.core.testing.FakeClock;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.testing.FakeGuestPort;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import io.vmpower.core.wire.PowerRequest;
import io.vmpower.core.wire.PowerRequestCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the monitor and the power manager hand to the recorders of {@link HostTimers}. */
class HostTimersTest {
  @TempDir Path dir;

  private final FakeClock clock = new FakeClock();
  private final FakeCpuFrequencies hw =
      FakeCpuFrequencies.uniform(8, FakeCpuFrequencies.TURBO_TABLE, 4)
          .writesTake(clock, Duration.ofNanos(5_000));
  private final List<long[]> requests = new ArrayList<>();
  private final List<long[]> writes = new ArrayList<>();
  private final HostTimers timers =
      new HostTimers(
          (nanos, count) -> requests.add(new long[] {nanos, count}),
          (nanos, count) -> writes.add(new long[] {nanos, count}));
  private ChannelMonitor monitor;

  @AfterEach
  void close() {
    if (monitor != null) {
      monitor.close();
    }
  }

  @Test
  void eachRequestOfAReadIsRecordedWithTheTimeFromTheReadToTheRepliesWritten() throws Exception {
    FakeChannelTransport transport = new FakeChannelTransport();
    VmRegistry registry = new VmRegistry();
    Vm vm = new Vm(new VmInfo("vm1", VmState.RUNNING, 2, List.of(CpuSet.of(2), CpuSet.of(3))));
    registry.add(vm);
    PowerManager power = new PowerManager(hw, clock, timers);
    monitor =
        new ChannelMonitor(
            transport,
            new RequestDispatcher(power, clock),
            HostConfig.defaults(dir),
            clock,
            registry,
            timers);
    Channel c = vm.addChannel(0, dir.resolve("vm1.0"));
    FakeGuestPort guest = transport.listen(c.path());
    monitor.attach(c);

    // three scale requests in one read: each write takes 5 µs of the fake clock
    byte[] down =
        PowerRequestCodec.encode(PowerRequest.cpuPower(0, Wire.SCALE_DOWN), WireFormat.DPDK);
    byte[] three = new byte[down.length * 3];
    for (int i = 0; i < 3; i++) {
      System.arraycopy(down, 0, three, i * down.length, down.length);
    }
    guest.write(three);
    monitor.turn(0);

    assertEquals(1, requests.size(), "one read, recorded once for its requests");
    assertEquals(15_000, requests.get(0)[0], "read to replies written: three 5 µs writes");
    assertEquals(3, requests.get(0)[1], "every request of the read");
    assertEquals(3, writes.size(), "one record per frequency write");
    for (long[] w : writes) {
      assertEquals(5_000, w[0]);
      assertEquals(1, w[1]);
    }
  }

  @Test
  void aFailedWriteIsTimedToo() {
    PowerManager power = new PowerManager(hw, clock, timers);
    hw.failIndexWrites(2, "EBUSY");
    power.scale(2, ScaleOp.DOWN);
    assertEquals(1, writes.size());
    assertEquals(5_000, writes.get(0)[0]);
  }

  @Test
  void withoutTimersNothingIsRecordedAndTheClockIsNotRead() {
    Clock counting = new Clock();
    PowerManager power = new PowerManager(hw, counting, HostTimers.NONE);
    power.scale(2, ScaleOp.DOWN);
    assertEquals(0, counting.reads);
  }

  private static final class Clock implements io.vmpower.core.hal.Clock {
    int reads;

    @Override
    public long nanoTime() {
      reads++;
      return 0;
    }

    @Override
    public long currentTimeMillis() {
      return 0;
    }
  }
}
