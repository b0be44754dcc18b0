package io.vmpower.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.MacAddress;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmInterface;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.power.FrequencyLevel;
import io.vmpower.core.power.PowerArbiter;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.testing.FakeClock;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.testing.FakeVmStatistics;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import io.vmpower.core.wire.PowerRequest;
import io.vmpower.core.wire.PowerRequestCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DPDK's policy packets: each check with its own counted reason, and what a valid one becomes. */
class PolicyPacketsTest {
  static final MacAddress MAC = MacAddress.parse("52:54:00:00:01:01");

  final FakeClock clock = new FakeClock();
  final VmRegistry registry = new VmRegistry();
  final PolicyEngine engine =
      new PolicyEngine(
          registry,
          new PowerArbiter(
              new PowerManager(FakeCpuFrequencies.uniform(8, FakeCpuFrequencies.TURBO_TABLE, 4)),
              clock),
          new FakeVmStatistics(clock),
          clock,
          PolicySettings.defaults());
  final PolicyPackets packets = new PolicyPackets(engine);
  final Vm vm =
      new Vm(
          new VmInfo(
              "vm1",
              VmState.RUNNING,
              4,
              List.of(CpuSet.of(0), CpuSet.of(1), CpuSet.of(2), CpuSet.of(3)),
              List.of(new VmInterface(MAC, "vnet0"))));

  /** A PKT_POLICY for vCPUs 0 and 1, changed by {@code edit}. */
  static PowerRequest policy(int type, Consumer<PowerRequest> edit) {
    PowerRequest r = PowerRequest.of(Wire.PKT_POLICY, 0);
    r.vmName = "vm1";
    r.policyToUse = type;
    r.numVcpu = 2;
    r.vcpuToControl[0] = 0;
    r.vcpuToControl[1] = 1;
    edit.accept(r);
    return r;
  }

  PolicyVerdict send(PowerRequest r) {
    ByteBuffer b =
        ByteBuffer.wrap(PowerRequestCodec.encode(r, WireFormat.DPDK))
            .order(ByteOrder.LITTLE_ENDIAN);
    return packets.onPacket(vm, WireFormat.DPDK, b, 0, r.command == Wire.PKT_POLICY_REMOVE);
  }

  void refused(Counter reason, PowerRequest r, String text) {
    PolicyVerdict v = send(r);
    assertEquals(reason, v.counter(), v.message());
    assertTrue(v.message().contains(text), v.message());
    assertEquals(null, engine.policyOf("vm1"), "nothing installed");
  }

  @Test
  void aValidWorkloadPolicyIsInstalledForTheChannelsVmWhateverItsName() {
    PolicyVerdict v =
        send(
            policy(
                2,
                r -> {
                  r.workload = 0;
                  r.vmName = "somebody-else";
                }));
    assertTrue(v.acked());
    VmPolicy rule = engine.policyOf("vm1");
    assertEquals(new Policy.Workload(FrequencyLevel.MAX), rule.policy());
    assertEquals(List.of(0, 1), rule.vcpus());
    assertEquals(PolicySource.GUEST, rule.source());
    assertTrue(rule.guests());
  }

  @Test
  void dpdkGuestClisDefaultPacketIsATimePolicyWithATrafficProfile() {
    PowerRequest r =
        policy(
            1,
            p -> {
              p.vfid[0] = MAC.toDpdkVfid() | 0xA5A5_0000_0000_0000L; // uninitialised top bytes
              p.nbMacToMonitor = 1;
              p.trafficPolicy[0] = 96000;
              p.trafficPolicy[1] = 1800000;
              p.trafficPolicy[2] = 2000000;
              p.timerPolicy[0][0] = 3;
              p.timerPolicy[0][1] = 4;
              p.timerPolicy[0][2] = 5;
              p.timerPolicy[1][0] = 11;
              p.timerPolicy[1][1] = 12;
              p.timerPolicy[1][2] = 13;
              p.timerPolicy[2][0] = 8;
              p.timerPolicy[2][1] = 10;
              p.workload = 2;
            });
    assertTrue(send(r).acked());
    Policy.Time t = (Policy.Time) engine.policyOf("vm1").policy();
    assertEquals(List.of(3, 4, 5), t.busyHours(), "not midnight: the zeros are padding");
    assertEquals(List.of(11, 12, 13), t.quietHours());
    assertEquals(List.of(8, 10), t.trafficHours());
    assertEquals(
        new Policy.Traffic(List.of(MAC), 96000, 1800000, 2000000, Duration.ofSeconds(1)),
        t.traffic());
  }

  @Test
  void hourListsEndAtMinusOneElseTrailingZerosArePadding() {
    assertEquals(List.of(3, 4), PolicyPackets.hourList("b", hours(3, 4)));
    assertEquals(List.of(0, 5), PolicyPackets.hourList("b", hours(0, 5)), "midnight before 5");
    assertEquals(List.of(0), PolicyPackets.hourList("b", hours(0, -1)), "midnight alone");
    assertEquals(List.of(), PolicyPackets.hourList("b", hours()), "all zero: no hour");
    assertEquals(List.of(7), PolicyPackets.hourList("b", hours(7, -1, 9)), "after -1: ignored");
  }

  static int[] hours(int... given) {
    return Arrays.copyOf(given, 24);
  }

  @Test
  void aPolicyWithCoreTypePhysicalIsRefused() {
    refused(
        Counter.NACK_POLICY_PHYSICAL_CORE,
        policy(2, r -> r.physicalCore = true),
        "core_type physical");
  }

  @ParameterizedTest
  @ValueSource(ints = {4, -1, 255})
  void anUnknownPolicyTypeIsRefused(int type) {
    refused(Counter.NACK_POLICY_UNKNOWN_TYPE, policy(type, r -> {}), "is unknown");
  }

  @Test
  void vcpusMustBeOneToEightOfTheVms() {
    refused(Counter.NACK_POLICY_BAD_VCPU, policy(2, r -> r.numVcpu = 0), "num_vcpu 0 must be 1-8");
    refused(Counter.NACK_POLICY_BAD_VCPU, policy(2, r -> r.numVcpu = 9), "num_vcpu 9 must be 1-8");
    refused(
        Counter.NACK_POLICY_BAD_VCPU,
        policy(2, r -> r.vcpuToControl[1] = 4),
        "vcpu_to_control[1] = 4: VM 'vm1' has 4 vCPUs");
    refused(
        Counter.NACK_POLICY_BAD_VCPU,
        policy(2, r -> r.vcpuToControl[0] = (byte) 200),
        "vcpu_to_control[0] = 200");
  }

  @Test
  void anUnknownWorkloadIsRefused() {
    refused(Counter.NACK_POLICY_UNKNOWN_WORKLOAD, policy(2, r -> r.workload = 3), "workload 3");
  }

  @Test
  void badHoursAreRefused() {
    refused(Counter.NACK_POLICY_BAD_HOURS, policy(1, r -> r.timerPolicy[0][0] = 24), "= 24");
    refused(Counter.NACK_POLICY_BAD_HOURS, policy(1, r -> r.timerPolicy[1][3] = -2), "= -2");
    refused(
        Counter.NACK_POLICY_BAD_HOURS,
        policy(
            1,
            r -> {
              r.timerPolicy[0][0] = 9;
              r.timerPolicy[1][0] = 9;
            }),
        "hour(s) 9 listed as more than one");
    refused(Counter.NACK_POLICY_BAD_HOURS, policy(1, r -> {}), "at least one");
  }

  @Test
  void trafficMacsMustBeTheVmsOwnAndWellFormed() {
    Consumer<PowerRequest> thresholds =
        r -> {
          r.trafficPolicy[1] = 10;
          r.trafficPolicy[2] = 20;
        };
    refused(
        Counter.NACK_POLICY_BAD_MAC,
        policy(0, thresholds.andThen(r -> r.nbMacToMonitor = 0)),
        "nb_mac_to_monitor 0 must be 1-10");
    refused(
        Counter.NACK_POLICY_BAD_MAC,
        policy(0, thresholds.andThen(r -> r.nbMacToMonitor = 11)),
        "nb_mac_to_monitor 11");
    refused(
        Counter.NACK_POLICY_BAD_MAC,
        policy(0, thresholds.andThen(r -> r.nbMacToMonitor = 1)),
        "00:00:00:00:00:00 is not a NIC's address");
    refused(
        Counter.NACK_POLICY_BAD_MAC,
        policy(
            0,
            thresholds.andThen(
                r -> {
                  r.nbMacToMonitor = 1;
                  r.vfid[0] = MacAddress.parse("01:00:5e:00:00:01").toDpdkVfid();
                })),
        "multicast");
    refused(
        Counter.NACK_POLICY_UNKNOWN_MAC,
        policy(
            0,
            thresholds.andThen(
                r -> {
                  r.nbMacToMonitor = 1;
                  r.vfid[0] = MacAddress.parse("52:54:00:99:99:99").toDpdkVfid();
                })),
        "has no interface with MAC 52:54:00:99:99:99");
  }

  @Test
  void trafficThresholdsMustBeOrdered() {
    Consumer<PowerRequest> mac =
        r -> {
          r.nbMacToMonitor = 1;
          r.vfid[0] = MAC.toDpdkVfid();
        };
    refused(
        Counter.NACK_POLICY_BAD_THRESHOLDS,
        policy(
            0,
            mac.andThen(
                r -> {
                  r.trafficPolicy[1] = 30;
                  r.trafficPolicy[2] = 20;
                })),
        "min <= avg_max <= max_max");
    refused(Counter.NACK_POLICY_BAD_THRESHOLDS, policy(0, mac), "max_max > 0");
    assertTrue(send(policy(0, mac.andThen(r -> r.trafficPolicy[2] = -1))).acked(), "u32 max");
    assertEquals(4294967295L, ((Policy.Traffic) engine.policyOf("vm1").policy()).maxPps());
  }

  @Test
  void branchRatioIsRefusedWithoutBranchCounters() {
    PolicyVerdict v = send(policy(3, r -> {}));
    assertEquals(Counter.NACK_POLICY_NO_BRANCH_COUNTERS, v.counter());
    assertTrue(v.message().contains("MSRs"), v.message());
  }

  @Test
  void removeTakesAwayOnlyAGuestsPolicy() {
    PowerRequest remove = PowerRequest.of(Wire.PKT_POLICY_REMOVE, 0);
    assertEquals(Counter.NACK_POLICY_NONE, send(remove).counter());
    assertTrue(send(policy(2, r -> r.workload = 1)).acked());
    assertTrue(send(remove).acked());
    assertEquals(null, engine.policyOf("vm1"));
    engine.install(
        vm,
        new VmPolicy(
            new Policy.Workload(FrequencyLevel.MIN), List.of(), PolicySource.CONFIG, true));
    assertEquals(Counter.NACK_POLICY_HELD, send(remove).counter());
    assertEquals(Counter.NACK_POLICY_HELD, send(policy(2, r -> {})).counter());
  }

  @Test
  void theLegacyProtocolCarriesNoPolicy() {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(12, Wire.PKT_POLICY);
    assertEquals(
        Counter.NACK_POLICY_UNSUPPORTED,
        packets.onPacket(vm, WireFormat.LEGACY, b, 0, false).counter());
  }
}
