package io.vmpower.core.monitor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.wire.PowerRequest;
import io.vmpower.core.wire.PowerRequestCodec;
import io.vmpower.core.wire.ReplyCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dispatcher's security rules and replies, one rule per test. */
class RequestDispatcherTest {
  /** Every CPU starts at index 4 of the turbo table: 2000000 kHz. */
  private final FakeCpuFrequencies hw =
      FakeCpuFrequencies.uniform(16, FakeCpuFrequencies.TURBO_TABLE, 4);

  private final RequestDispatcher dispatcher = new RequestDispatcher(new PowerManager(hw));

  /** vm1: vCPU 0 on pCPU 2, vCPU 1 on pCPU 3. */
  private final Vm vm1 = vm("vm1", CpuSet.of(2), CpuSet.of(3));

  private final Channel channel = vm1.addChannel(0, Path.of("/fake/vm1.0"));

  private static Vm vm(String name, CpuSet... pinning) {
    return new Vm(new VmInfo(name, VmState.RUNNING, pinning.length, Arrays.asList(pinning)));
  }

  /** Serves {@code r} from the middle of a packet buffer; returns what was written as a reply. */
  private byte[] serve(Channel ch, PowerRequest r, WireFormat format) {
    return serve(ch, PowerRequestCodec.encode(r, format), format, 4096);
  }

  private byte[] serve(Channel ch, byte[] packet, WireFormat format, int outRoom) {
    int base = packet.length;
    ByteBuffer packets = ByteBuffer.allocate(3 * packet.length).order(ByteOrder.LITTLE_ENDIAN);
    packets.put(base, packet);
    ByteBuffer out = ByteBuffer.allocate(outRoom).order(ByteOrder.LITTLE_ENDIAN);
    long before = ch.stats().outcomes();

    dispatcher.dispatch(ch, format, packets, base, out);

    assertEquals(before + 1, ch.stats().outcomes(), "counted in exactly one outcome");
    return Arrays.copyOf(out.array(), out.position());
  }

  private static PowerRequest query(int command, long resource, String vmName) {
    PowerRequest r = PowerRequest.of(command, resource);
    r.vmName = vmName;
    return r;
  }

  private static void assertEcho(PowerRequest request, byte[] reply, int command) {
    byte[] sent = PowerRequestCodec.encode(request, WireFormat.DPDK);
    assertEquals(464, reply.length);
    assertEquals(command, ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN).getInt(12));
    for (int i = 0; i < 464; i++) {
      if (i < 12 || i >= 16) {
        assertEquals(sent[i], reply[i], "byte " + i);
      }
    }
  }

  private long counter(Counter c) {
    return channel.stats().get(c);
  }

  @Test
  void aScaleOfAVcpuScalesItsPcpuAndIsAcked() {
    PowerRequest r = PowerRequest.cpuPower(1, Wire.SCALE_UP);

    byte[] reply = serve(channel, r, WireFormat.DPDK);

    assertEcho(r, reply, Wire.ACK);
    assertEquals(3, hw.currentIndex(3));
    assertEquals(4, hw.currentIndex(2));
    assertEquals(1, counter(Counter.ACKED));
  }

  @Test
  void aScaleAlreadyAtTheBoundIsAcked() {
    serve(channel, PowerRequest.cpuPower(0, Wire.SCALE_MIN), WireFormat.DPDK);

    byte[] reply = serve(channel, PowerRequest.cpuPower(0, Wire.SCALE_MIN), WireFormat.DPDK);

    assertTrue(ReplyCodec.decode(reply).isAck());
    assertEquals(2, counter(Counter.ACKED));
  }

  @ParameterizedTest(name = "resource_id {0}")
  @ValueSource(longs = {2, 7, Long.MIN_VALUE /* 2^63 */, -1L /* 2^64-1 */})
  void aResourceIdThatIsNoVcpuOfTheVmIsNackedAndNothingScaled(long resource) {
    PowerRequest r = PowerRequest.cpuPower(resource, Wire.SCALE_MAX);

    byte[] reply = serve(channel, r, WireFormat.DPDK);

    assertEcho(r, reply, Wire.NACK);
    assertTrue(hw.writes().isEmpty(), "nothing scaled: " + hw.writes());
    assertEquals(1, counter(Counter.NACK_UNKNOWN_VCPU));
  }

  @Test
  void aPhysicalCoreTypeIsNackedAndNothingScaled() {
    for (long resource : new long[] {0, 5}) {
      PowerRequest r = PowerRequest.cpuPower(resource, Wire.SCALE_MAX);
      r.physicalCore = true;

      byte[] reply = serve(channel, r, WireFormat.DPDK);

      assertEcho(r, reply, Wire.NACK);
    }
    assertTrue(hw.writes().isEmpty(), "nothing scaled: " + hw.writes());
    assertEquals(2, counter(Counter.NACK_PHYSICAL_CORE));
  }

  @Test
  void aQueryIsAnsweredAboutTheChannelsOwnVmWhateverVmNameSays() throws FrequencyException {
    Vm vm2 = vm("vm2", CpuSet.of(6), CpuSet.of(7));
    vm2.queryEnabled(true);
    vm1.queryEnabled(true);
    hw.setIndex(2, 1); // 2600000
    hw.setIndex(3, 8); // 1200000
    hw.setIndex(6, 0);
    hw.setIndex(7, 0);

    byte[] list = serve(channel, query(Wire.QUERY_FREQ_LIST, 0, "vm2"), WireFormat.DPDK);
    byte[] one = serve(channel, query(Wire.QUERY_FREQ, 1, "vm2"), WireFormat.DPDK);

    ReplyCodec.Reply l = ReplyCodec.decode(list);
    assertEquals(Wire.FREQ_LIST, l.command());
    assertEquals("vm1", l.vmName());
    assertArrayEquals(new long[] {2600000, 1200000}, l.freqs());
    ReplyCodec.Reply o = ReplyCodec.decode(one);
    assertEquals("vm1", o.vmName());
    // vCPU 1's frequency at its own index (where DPDK guests read it) and at entry 0
    assertArrayEquals(new long[] {1200000, 1200000}, o.freqs());
    assertEquals(2, counter(Counter.ANSWERED));
  }

  @Test
  void capsAreThoseOfTheVcpusPcpus() {
    FakeCpuFrequencies caps =
        new FakeCpuFrequencies()
            .add(0, FakeCpuFrequencies.TURBO_TABLE, 3, true, true)
            .add(1, FakeCpuFrequencies.PLAIN_TABLE, 0, false, false);
    RequestDispatcher d = new RequestDispatcher(new PowerManager(caps));
    Vm vm = vm("vm1", CpuSet.of(1), CpuSet.of(0), CpuSet.of(5));
    vm.queryEnabled(true);
    Channel ch = vm.addChannel(0, Path.of("/fake/vm1.0"));
    ByteBuffer packets =
        ByteBuffer.wrap(
                PowerRequestCodec.encode(query(Wire.QUERY_CAPS_LIST, 0, ""), WireFormat.DPDK))
            .order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer out = ByteBuffer.allocate(400);

    d.dispatch(ch, WireFormat.DPDK, packets, 0, out);

    ReplyCodec.Reply r = ReplyCodec.decode(Arrays.copyOf(out.array(), out.position()));
    assertEquals(Wire.CAPS_LIST, r.command());
    assertArrayEquals(new boolean[] {false, true, false}, r.turbo(), "pCPU 5 is unknown: false");
    assertArrayEquals(new boolean[] {false, true, false}, r.priority());
  }

  @Test
  void queriesDisabledGetNoReplyAndAreCounted() {
    int[] queries = {Wire.QUERY_FREQ_LIST, Wire.QUERY_FREQ, Wire.QUERY_CAPS_LIST, Wire.QUERY_CAPS};
    for (int command : queries) {
      byte[] reply = serve(channel, query(command, 0, "vm1"), WireFormat.DPDK);
      assertEquals(0, reply.length, Wire.commandName(command));
    }
    assertEquals(4, counter(Counter.REFUSED_QUERY_DISABLED));
  }

  @Test
  void aQueryOfAVcpuTheVmLacksGetsNoReply() {
    vm1.queryEnabled(true);

    assertEquals(0, serve(channel, query(Wire.QUERY_FREQ, 2, ""), WireFormat.DPDK).length);
    assertEquals(0, serve(channel, query(Wire.QUERY_CAPS, -1L, ""), WireFormat.DPDK).length);

    assertEquals(2, counter(Counter.REFUSED_QUERY_BAD_VCPU));
  }

  @Test
  void aVmWith12VcpusGets8EntriesInListReplies() throws FrequencyException {
    CpuSet[] pins = new CpuSet[12];
    for (int v = 0; v < 12; v++) {
      pins[v] = CpuSet.of(v);
      hw.setIndex(v, v % 9);
    }
    Vm big = vm("big", pins);
    big.queryEnabled(true);
    Channel ch = big.addChannel(0, Path.of("/fake/big.0"));

    byte[] freq = serve(ch, query(Wire.QUERY_FREQ_LIST, 0, "big"), WireFormat.DPDK);
    byte[] caps = serve(ch, query(Wire.QUERY_CAPS_LIST, 0, "big"), WireFormat.DPDK);

    assertEquals(88, freq.length);
    assertEquals(8, freq[80], "num_vcpu");
    long[] expected = new long[8];
    for (int v = 0; v < 8; v++) {
      expected[v] = FakeCpuFrequencies.TURBO_TABLE.get(v % 9);
    }
    assertArrayEquals(expected, ReplyCodec.decode(freq).freqs());
    assertEquals(184, caps.length);
    assertEquals(8, caps[176], "num_vcpu");
    assertEquals(8, ReplyCodec.decode(caps).turbo().length);
  }

  @Test
  void connectGetsNoReplyAndLooksAtNothingElse() {
    byte[] garbage = new byte[464];
    new Random(7).nextBytes(garbage);
    ByteBuffer.wrap(garbage).order(ByteOrder.LITTLE_ENDIAN).putInt(12, Wire.CPU_POWER_CONNECT);

    byte[] reply = serve(channel, garbage, WireFormat.DPDK, 4096);

    assertEquals(0, reply.length);
    assertTrue(hw.writes().isEmpty());
    assertEquals(1, counter(Counter.CONNECTS));
  }

  @Test
  void packetPoliciesAreNacked() {
    PowerRequest add = PowerRequest.of(Wire.PKT_POLICY, 0);
    PowerRequest remove = PowerRequest.of(Wire.PKT_POLICY_REMOVE, 0);

    assertEcho(add, serve(channel, add, WireFormat.DPDK), Wire.NACK);
    assertEcho(remove, serve(channel, remove, WireFormat.DPDK), Wire.NACK);

    assertEquals(2, counter(Counter.NACK_POLICY_UNSUPPORTED));
  }

  @ParameterizedTest(name = "command {0}")
  @ValueSource(ints = {0, 5, 6, 11, -1})
  void anUnknownCommandIsNacked(int command) {
    PowerRequest r = PowerRequest.of(command, 0);

    assertEcho(r, serve(channel, r, WireFormat.DPDK), Wire.NACK);

    assertEquals(1, counter(Counter.NACK_UNKNOWN_COMMAND));
    assertTrue(hw.writes().isEmpty());
  }

  @ParameterizedTest(name = "unit {0}")
  @ValueSource(ints = {0, 7, -1})
  void anUnknownUnitIsNacked(int unit) {
    PowerRequest r = PowerRequest.cpuPower(0, unit);

    assertEcho(r, serve(channel, r, WireFormat.DPDK), Wire.NACK);

    assertEquals(1, counter(Counter.NACK_UNKNOWN_UNIT));
    assertTrue(hw.writes().isEmpty());
  }

  @Test
  void aFailedScaleIsNacked() {
    hw.failIndexWrites(2, "EBUSY");
    PowerRequest r = PowerRequest.cpuPower(0, Wire.SCALE_DOWN);

    assertEcho(r, serve(channel, r, WireFormat.DPDK), Wire.NACK);

    assertEquals(1, counter(Counter.NACK_SCALE_FAILED));
  }

  @Test
  void theLegacyFormatNeverGetsAReply() {
    vm1.queryEnabled(true);
    List<PowerRequest> requests =
        List.of(
            PowerRequest.cpuPower(0, Wire.SCALE_DOWN),
            PowerRequest.cpuPower(9, Wire.SCALE_DOWN),
            PowerRequest.cpuPower(0, 42),
            PowerRequest.of(Wire.QUERY_FREQ_LIST, 0),
            PowerRequest.of(Wire.CPU_POWER_CONNECT, 0),
            PowerRequest.of(Wire.PKT_POLICY, 0),
            PowerRequest.of(99, 0));

    for (PowerRequest r : requests) {
      assertEquals(0, serve(channel, r, WireFormat.LEGACY).length, r.toString());
    }

    assertEquals(5, hw.currentIndex(2), "the valid legacy request was served");
    assertEquals(2, counter(Counter.LEGACY_SERVED));
    assertEquals(7, channel.stats().outcomes());
  }

  @Test
  void aFullOutputBufferDropsTheReplyAndCountsIt() {
    vm1.queryEnabled(true);
    byte[] scale =
        PowerRequestCodec.encode(PowerRequest.cpuPower(0, Wire.SCALE_DOWN), WireFormat.DPDK);
    byte[] bad =
        PowerRequestCodec.encode(PowerRequest.cpuPower(5, Wire.SCALE_DOWN), WireFormat.DPDK);
    byte[] freq = PowerRequestCodec.encode(query(Wire.QUERY_FREQ_LIST, 0, ""), WireFormat.DPDK);

    assertEquals(0, serve(channel, scale, WireFormat.DPDK, 463).length);
    assertEquals(0, serve(channel, bad, WireFormat.DPDK, 463).length);
    assertEquals(0, serve(channel, freq, WireFormat.DPDK, 87).length);

    assertEquals(3, counter(Counter.REPLIES_DROPPED));
    assertEquals(5, hw.currentIndex(2), "the request itself was served");
    assertEquals(1, counter(Counter.ACKED));
    assertEquals(1, counter(Counter.NACK_UNKNOWN_VCPU));
    assertEquals(1, counter(Counter.ANSWERED));
  }

  @Test
  void aVcpuPinnedToSeveralPcpusScalesAllOfThem() {
    Vm vm = vm("vm3", CpuSet.of(8, 9, 11));
    Channel ch = vm.addChannel(0, Path.of("/fake/vm3.0"));

    byte[] reply = serve(ch, PowerRequest.cpuPower(0, Wire.SCALE_UP), WireFormat.DPDK);

    assertTrue(ReplyCodec.decode(reply).isAck());
    assertEquals(3, hw.currentIndex(8));
    assertEquals(3, hw.currentIndex(9));
    assertEquals(3, hw.currentIndex(11));
    assertEquals(4, hw.currentIndex(10), "pCPU 10 is not in the mask");
  }

  @Test
  void repinningTakesEffectOnTheNextRequest() {
    vm1.update(new VmInfo("vm1", VmState.RUNNING, 2, List.of(CpuSet.of(2), CpuSet.of(12))));

    serve(channel, PowerRequest.cpuPower(1, Wire.SCALE_UP), WireFormat.DPDK);

    assertEquals(3, hw.currentIndex(12));
    assertEquals(4, hw.currentIndex(3), "the old pCPU is left alone");
  }
}
