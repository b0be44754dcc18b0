package io.vmpower.core.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.policy.Policy;
import io.vmpower.core.policy.PolicyEngine;
import io.vmpower.core.policy.PolicyPackets;
import io.vmpower.core.policy.PolicySource;
import io.vmpower.core.policy.VmPolicy;
import io.vmpower.core.power.FrequencyLevel;
import io.vmpower.core.power.PowerArbiter;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.testing.FakeClock;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.testing.FakeVmStatistics;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
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
import org.junit.jupiter.api.Test;

/** Policy packets and a policy's hold on guest requests, through the dispatcher. */
class RequestDispatcherPolicyTest {
  final FakeCpuFrequencies hw = FakeCpuFrequencies.uniform(8, FakeCpuFrequencies.TURBO_TABLE, 4);
  final FakeClock clock = new FakeClock();
  final PowerArbiter arbiter = new PowerArbiter(new PowerManager(hw), clock);
  final VmRegistry registry = new VmRegistry();
  final PolicyEngine engine =
      new PolicyEngine(
          registry, arbiter, new FakeVmStatistics(clock), clock, PolicySettings.defaults());
  final RequestDispatcher dispatcher =
      new RequestDispatcher(arbiter, new PolicyPackets(engine), clock);
  final Vm vm = new Vm(new VmInfo("vm1", VmState.RUNNING, 2, List.of(CpuSet.of(2), CpuSet.of(3))));
  final Channel channel = vm.addChannel(0, Path.of("/fake/vm1.0"));

  byte[] serve(PowerRequest r) {
    byte[] packet = PowerRequestCodec.encode(r, WireFormat.DPDK);
    ByteBuffer in = ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer out = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
    dispatcher.dispatch(channel, WireFormat.DPDK, in, 0, out);
    return Arrays.copyOf(out.array(), out.position());
  }

  static PowerRequest workload(int level) {
    PowerRequest r = PowerRequest.of(Wire.PKT_POLICY, 0);
    r.policyToUse = 2;
    r.workload = level;
    r.numVcpu = 1;
    return r;
  }

  @Test
  void aValidPolicyIsAckedAndAnInvalidOneNackedEachCounted() {
    byte[] ack = serve(workload(0));
    assertEquals(Wire.REQUEST_SIZE, ack.length);
    assertEquals(Wire.ACK, ReplyCodec.decode(ack).command());
    assertEquals(1, channel.stats().get(Counter.POLICY_ACKED));
    byte[] nack = serve(workload(7));
    assertEquals(Wire.NACK, ReplyCodec.decode(nack).command());
    assertEquals(1, channel.stats().get(Counter.NACK_POLICY_UNKNOWN_WORKLOAD));
    assertEquals(2, channel.stats().outcomes(), "each packet counted once");
    assertEquals(1, channel.stats().nacks());
    byte[] removed = serve(PowerRequest.of(Wire.PKT_POLICY_REMOVE, 0));
    assertEquals(Wire.ACK, ReplyCodec.decode(removed).command());
  }

  @Test
  void aPolicyThatHoldsItsVcpusRefusesTheGuestsOwnRequests() {
    engine.install(
        vm,
        new VmPolicy(
            new Policy.Workload(FrequencyLevel.MIN), List.of(0), PolicySource.OPERATOR, false));
    byte[] reply = serve(PowerRequest.cpuPower(0, Wire.SCALE_MAX));
    assertEquals(Wire.NACK, ReplyCodec.decode(reply).command());
    assertEquals(1, channel.stats().get(Counter.NACK_POLICY_HOLDS));
    assertEquals(2000000, hw.table(2).get(hw.currentIndex(2)), "unchanged");
    reply = serve(PowerRequest.cpuPower(1, Wire.SCALE_MAX)); // vCPU 1 is not held
    assertEquals(Wire.ACK, ReplyCodec.decode(reply).command());
    assertEquals(2601000, hw.table(3).get(hw.currentIndex(3)));
  }
}
