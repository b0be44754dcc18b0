package io.vmpower.core.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever a guest sends, each request lands in exactly one outcome counter. */
class RequestDispatcherOutcomesTest {

  @Property(tries = 300)
  void everyRequestIsCountedInExactlyOneOutcome(
      @ForAll("sequences") List<byte[]> packets,
      @ForAll WireFormat format,
      @ForAll boolean queries,
      @ForAll("rooms") int room) {
    FakeCpuFrequencies hw = FakeCpuFrequencies.uniform(4, FakeCpuFrequencies.TURBO_TABLE, 4);
    hw.offline(5);
    RequestDispatcher dispatcher = new RequestDispatcher(new PowerManager(hw));
    Vm vm =
        new Vm(
            new VmInfo(
                "vm1", VmState.RUNNING, 3, List.of(CpuSet.of(0), CpuSet.of(1, 2), CpuSet.of(5))));
    vm.queryEnabled(queries);
    Channel channel = vm.addChannel(0, Path.of("/fake/vm1.0"));

    for (byte[] p : packets) {
      ByteBuffer in = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer out = ByteBuffer.allocate(room).order(ByteOrder.LITTLE_ENDIAN);
      channel.stats().increment(Counter.REQUESTS);

      dispatcher.dispatch(channel, format, in, 0, out);

      assertTrue(format.hasReplies() || out.position() == 0, "legacy never replies");
    }

    assertEquals(channel.stats().get(Counter.REQUESTS), channel.stats().outcomes());
  }

  @Provide
  Arbitrary<Integer> rooms() {
    return Arbitraries.of(0, 87, 183, 463, 464, 4096);
  }

  @Provide
  Arbitrary<List<byte[]>> sequences() {
    Arbitrary<Integer> commands = Arbitraries.of(0, 1, 1, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, -1);
    Arbitrary<Integer> units = Arbitraries.integers().between(-1, 8);
    Arbitrary<Long> resources = Arbitraries.of(0L, 1L, 2L, 3L, 7L, Long.MIN_VALUE, -1L);
    Arbitrary<Byte> coreTypes = Arbitraries.of((byte) 0, (byte) 0, (byte) 1, (byte) 0x80);
    Arbitrary<byte[]> packet =
        net.jqwik.api.Combinators.combine(commands, units, resources, coreTypes)
            .as(
                (command, unit, resource, coreType) -> {
                  ByteBuffer b =
                      ByteBuffer.allocate(Wire.REQUEST_SIZE).order(ByteOrder.LITTLE_ENDIAN);
                  b.putLong(0, resource).putInt(8, unit).putInt(12, command);
                  b.put(Wire.OFF_CORE_TYPE, coreType);
                  return b.array();
                });
    return packet.list().ofMinSize(1).ofMaxSize(20);
  }
}
