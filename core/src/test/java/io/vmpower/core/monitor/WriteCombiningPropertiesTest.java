package io.vmpower.core.monitor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.HostConfig;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuCapabilities;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.testing.FakeChannelTransport;
import io.vmpower.core.testing.FakeClock;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.testing.FakeGuestPort;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import io.vmpower.core.wire.PowerRequest;
import io.vmpower.core.wire.PowerRequestCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Write-combining (issue 17): the monitor decides a turn's requests in memory and writes each CPU
 * once at the end of the turn. Over random request sequences from several channels of two VMs that
 * share CPUs, split into random turns, the frequencies, replies and counters must be exactly those
 * of applying the requests one by one (the dispatcher outside any turn, on a second host), with no
 * more writes, and no reply of a turn may reach a guest before the turn's writes.
 */
class WriteCombiningPropertiesTest {
  /** Fixed, so a failure repeats; jqwik also prints it with each property's report. */
  static final String SEED = "17017";

  @BeforeContainer
  static void printSeed() {
    System.out.println("WriteCombiningPropertiesTest seed " + SEED);
  }

  /** One request: which channel sends it, for which vCPU, which unit (an op, or a bad one). */
  record Request(int channel, int vcpu, int unit) {}

  @Property(tries = 200, seed = SEED)
  void aTurnWritesWhatApplyingTheRequestsOneByOneWrites(@ForAll("turns") List<List<Request>> turns)
      throws Exception {
    FakeCpuFrequencies hw = FakeCpuFrequencies.uniform(4, FakeCpuFrequencies.TURBO_TABLE, 4);
    FakeCpuFrequencies ref = FakeCpuFrequencies.uniform(4, FakeCpuFrequencies.TURBO_TABLE, 4);
    Path dir = Path.of("/fake/combining");
    FakeChannelTransport transport = new FakeChannelTransport();
    List<FakeGuestPort> ports = new ArrayList<>();
    RepliesBeforeWrites guard = new RepliesBeforeWrites(hw, ports);
    FakeClock clock = new FakeClock();

    VmRegistry registry = new VmRegistry();
    Vm[] vms = {vmA(), vmB()};
    Vm[] refVms = {vmA(), vmB()};
    List<Channel> channels = new ArrayList<>();
    List<Channel> refChannels = new ArrayList<>();
    for (int v = 0; v < 2; v++) {
      registry.add(vms[v]);
      for (int k = 0; k < 3; k++) {
        channels.add(vms[v].addChannel(k, dir.resolve(vms[v].name() + "." + k)));
        refChannels.add(refVms[v].addChannel(k, dir.resolve(vms[v].name() + "." + k)));
      }
    }
    RequestDispatcher refDispatcher = new RequestDispatcher(new PowerManager(ref), clock);
    try (ChannelMonitor monitor =
        new ChannelMonitor(
            transport,
            new RequestDispatcher(new PowerManager(guard), clock),
            HostConfig.defaults(dir),
            clock,
            registry)) {
      for (Channel c : channels) {
        ports.add(transport.listen(c.path()));
        monitor.attach(c);
      }
      for (List<Request> turn : turns) {
        // the guests send; the reference serves in the monitor's order: channel by channel (in
        // attach order), each channel's requests in the order sent
        ByteArrayOutputStream[] sent = new ByteArrayOutputStream[channels.size()];
        for (Request r : turn) {
          if (sent[r.channel()] == null) {
            sent[r.channel()] = new ByteArrayOutputStream();
          }
          sent[r.channel()].writeBytes(packet(r));
        }
        byte[][] expected = new byte[channels.size()][];
        for (int c = 0; c < channels.size(); c++) {
          if (sent[c] == null) {
            continue;
          }
          byte[] bytes = sent[c].toByteArray();
          ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
          ByteBuffer out = ByteBuffer.allocate(bytes.length).order(ByteOrder.LITTLE_ENDIAN);
          for (int at = 0; at < bytes.length; at += Wire.REQUEST_SIZE) {
            refChannels.get(c).stats().increment(Counter.REQUESTS);
            refDispatcher.dispatch(refChannels.get(c), WireFormat.DPDK, in, at, out);
          }
          expected[c] = java.util.Arrays.copyOf(out.array(), out.position());
          ports.get(c).write(bytes);
        }

        monitor.turn(0);

        for (int c = 0; c < channels.size(); c++) {
          byte[] got = ports.get(c).read(1 << 20);
          assertArrayEquals(
              expected[c] == null ? new byte[0] : expected[c], got, "replies of channel " + c);
        }
        for (int cpu = 0; cpu < 4; cpu++) {
          assertEquals(ref.currentIndex(cpu), hw.currentIndex(cpu), "CPU " + cpu);
          assertEquals(ref.turboEnabled(cpu), hw.turboEnabled(cpu), "turbo of CPU " + cpu);
        }
      }
      for (int c = 0; c < channels.size(); c++) {
        for (Counter counter : Counter.values()) {
          if (!counter.isRequestOutcome() && counter != Counter.REQUESTS) {
            continue; // attaches and the like: the reference has no monitor
          }
          assertEquals(
              refChannels.get(c).stats().get(counter),
              channels.get(c).stats().get(counter),
              counter + " of channel " + c);
        }
      }
      assertTrue(
          hw.writes().size() <= ref.writes().size(),
          hw.writes().size() + " writes combined, " + ref.writes().size() + " one by one");
      assertEquals(0, guard.violations, "frequency writes made after a reply of their turn");
    }
  }

  /** Two vCPUs on CPUs 0 and 1. */
  private static Vm vmA() {
    return new Vm(new VmInfo("a", VmState.RUNNING, 2, List.of(CpuSet.of(0), CpuSet.of(1))));
  }

  /** Shares CPU 1 with a; its second vCPU may run on 2 or 3. */
  private static Vm vmB() {
    return new Vm(new VmInfo("b", VmState.RUNNING, 2, List.of(CpuSet.of(1), CpuSet.of(2, 3))));
  }

  private static byte[] packet(Request r) {
    return PowerRequestCodec.encode(PowerRequest.cpuPower(r.vcpu(), r.unit()), WireFormat.DPDK);
  }

  @Provide
  Arbitrary<List<List<Request>>> turns() {
    Arbitrary<Integer> units =
        Arbitraries.of(
            Wire.SCALE_UP,
            Wire.SCALE_DOWN,
            Wire.SCALE_UP,
            Wire.SCALE_DOWN,
            Wire.SCALE_MAX,
            Wire.SCALE_MIN,
            Wire.ENABLE_TURBO,
            Wire.DISABLE_TURBO,
            9);
    Arbitrary<Request> request =
        Combinators.combine(
                Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 2), units)
            .as(Request::new);
    return request.list().ofMinSize(0).ofMaxSize(40).list().ofMinSize(1).ofMaxSize(8);
  }

  /**
   * The monitor's frequency backend: counts a write made while a guest already has replies it has
   * not read (the test reads every reply after each turn, so any unread reply is of this turn).
   */
  static final class RepliesBeforeWrites implements CpuFrequencies {
    private final FakeCpuFrequencies hw;
    private final List<FakeGuestPort> ports;
    int violations;

    RepliesBeforeWrites(FakeCpuFrequencies hw, List<FakeGuestPort> ports) {
      this.hw = hw;
      this.ports = ports;
    }

    @Override
    public void setIndex(int cpu, int index) throws FrequencyException {
      for (FakeGuestPort p : ports) {
        if (p.available() > 0) {
          violations++;
        }
      }
      hw.setIndex(cpu, index);
    }

    @Override
    public String description() {
      return hw.description();
    }

    @Override
    public CpuSet cpus() {
      return hw.cpus();
    }

    @Override
    public CpuSet offlineCpus() {
      return hw.offlineCpus();
    }

    @Override
    public FrequencyTable table(int cpu) {
      return hw.table(cpu);
    }

    @Override
    public int currentIndex(int cpu) {
      return hw.currentIndex(cpu);
    }

    @Override
    public boolean turboEnabled(int cpu) {
      return hw.turboEnabled(cpu);
    }

    @Override
    public void setTurbo(int cpu, boolean enabled) throws FrequencyException {
      hw.setTurbo(cpu, enabled);
    }

    @Override
    public CpuCapabilities capabilities(int cpu) {
      return hw.capabilities(cpu);
    }

    @Override
    public String driver(int cpu) {
      return hw.driver(cpu);
    }

    @Override
    public String governor(int cpu) {
      return hw.governor(cpu);
    }

    @Override
    public CpuSet relatedCpus(int cpu) {
      return hw.relatedCpus(cpu);
    }

    @Override
    public void restore() throws FrequencyException {
      hw.restore();
    }

    @Override
    public void close() {
      hw.close();
    }
  }
}
