package io.vmpower.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import io.vmpower.core.power.ScaleOp;
import io.vmpower.core.testing.FakeClock;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.testing.FakeVmStatistics;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The engine driven by hand on a fake clock, as one thread would drive it through a day. */
class PolicyEngineTest {
  static final MacAddress MAC = MacAddress.parse("52:54:00:00:01:01");

  /** Every CPU at index 4 of the turbo table: 2000000 kHz. */
  final FakeCpuFrequencies hw = FakeCpuFrequencies.uniform(8, FakeCpuFrequencies.TURBO_TABLE, 4);

  final FakeClock clock = new FakeClock();
  final PowerArbiter arbiter = new PowerArbiter(new PowerManager(hw), clock);
  final VmRegistry registry = new VmRegistry();
  final FakeVmStatistics stats = new FakeVmStatistics(clock);
  PolicyEngine engine;
  Vm vm1;

  @BeforeEach
  void setUp() {
    engine = engine(ZoneOffset.UTC);
    vm1 =
        new Vm(
            new VmInfo(
                "vm1",
                VmState.RUNNING,
                2,
                List.of(CpuSet.of(2), CpuSet.of(3)),
                List.of(new VmInterface(MAC, "vnet0"))));
    registry.add(vm1);
    stats.vm("vm1", 2);
  }

  PolicyEngine engine(ZoneId zone) {
    return new PolicyEngine(
        registry, arbiter, stats, clock, PolicySettings.defaults().withTimeZone(zone));
  }

  long khz(int cpu) {
    return hw.table(cpu).get(hw.currentIndex(cpu));
  }

  VmPolicy rule(Policy p) {
    return new VmPolicy(p, List.of(), PolicySource.OPERATOR, true);
  }

  /** Runs what is due, moving the clock to each due time, until {@code d} has passed. */
  void advance(Duration d) {
    long end = clock.nanoTime() + d.toNanos();
    engine.runDue(clock.nanoTime());
    while (true) {
      long due = engine.nextDueNanos();
      if (due > end) {
        break;
      }
      clock.advance(Duration.ofNanos(due - clock.nanoTime()));
      engine.runDue(clock.nanoTime());
    }
    clock.advance(Duration.ofNanos(end - clock.nanoTime()));
  }

  @Test
  void workloadSetsItsLevelOnceAndNeedsNoTimer() {
    engine.install(vm1, rule(new Policy.Workload(FrequencyLevel.MAX)));
    engine.runDue(clock.nanoTime());
    assertEquals(2601000, khz(2));
    assertEquals(2601000, khz(3));
    assertEquals(Long.MAX_VALUE, engine.nextDueNanos(), "nothing more is due");
    engine.install(vm1, rule(new Policy.Workload(FrequencyLevel.MEDIUM)));
    engine.runDue(clock.nanoTime());
    assertEquals(2000000, khz(2), "the middle of a 9-entry table: index 4");
    engine.install(vm1, rule(new Policy.Workload(FrequencyLevel.MIN)));
    engine.runDue(clock.nanoTime());
    assertEquals(1200000, khz(3));
    assertEquals(3, engine.countersOf("vm1").decisions());
    assertEquals(3, engine.countersOf("vm1").changes());
  }

  @Test
  void aPolicyControlsOnlyItsVcpus() {
    engine.install(
        vm1,
        new VmPolicy(
            new Policy.Workload(FrequencyLevel.MIN), List.of(1), PolicySource.OPERATOR, true));
    engine.runDue(clock.nanoTime());
    assertEquals(2000000, khz(2));
    assertEquals(1200000, khz(3));
  }

  @Test
  void timeFollowsTheHoursOfItsZoneAcrossHourBoundaries() {
    // the fake clock starts at 2023-11-14T22:13:21Z
    assertEquals(
        22, Instant.ofEpochMilli(clock.currentTimeMillis()).atZone(ZoneOffset.UTC).getHour());
    engine.install(vm1, rule(new Policy.Time(List.of(22), List.of(23), List.of(), null)));
    engine.runDue(clock.nanoTime());
    assertEquals(2601000, khz(2), "22 h: a busy hour");
    long boundary = engine.nextDueNanos();
    assertEquals(
        Duration.ofMinutes(46).plusSeconds(39).toNanos(),
        boundary - clock.nanoTime(),
        "due at 23:00:00");
    advance(Duration.ofMinutes(47));
    assertEquals(1200000, khz(2), "23 h: a quiet hour");
    advance(Duration.ofHours(1));
    assertEquals(1200000, khz(2), "0 h: listed nowhere, no demand: the CPU keeps its frequency");
    assertTrue(engine.report("vm1").lastDecision().contains("hour 0: no demand"));
  }

  @Test
  void theTimeZoneDecidesTheHour() {
    engine = engine(ZoneId.of("Europe/Paris")); // 23:13 there
    engine.install(vm1, rule(new Policy.Time(List.of(22), List.of(23), List.of(), null)));
    engine.runDue(clock.nanoTime());
    assertEquals(1200000, khz(2), "23 h in Paris: quiet");
    engine = engine(ZoneId.of("Asia/Tokyo")); // 07:13 there
    engine.install(vm1, rule(new Policy.Time(List.of(7), List.of(), List.of(), null)));
    engine.runDue(clock.nanoTime());
    assertEquals(2601000, khz(2), "7 h in Tokyo: busy");
  }

  @Test
  void trafficFollowsThePacketRateWithDpdksThresholds() {
    engine.install(
        vm1,
        rule(new Policy.Traffic(List.of(MAC), 96000, 1800000, 2000000, Duration.ofSeconds(1))));
    stats.packets("vm1", MAC, 2_000_000);
    engine.runDue(clock.nanoTime()); // the first reading is the baseline
    assertEquals(2000000, khz(2), "nothing decided from one reading");
    assertEquals("measuring packet rate", engine.report("vm1").measured());
    advance(Duration.ofSeconds(1));
    assertEquals(2601000, khz(2), ">= max: max");
    stats.packets("vm1", MAC, 1_900_000);
    advance(Duration.ofSeconds(2));
    assertEquals(2000000, khz(2), ">= avg: medium");
    stats.packets("vm1", MAC, 10);
    advance(Duration.ofSeconds(2));
    assertEquals(1200000, khz(2), "< avg: min");
    assertEquals("10 packets/s", engine.report("vm1").measured());
  }

  @Test
  void timeRunsTheTrafficProfileInItsTrafficHours() {
    Policy.Traffic t = new Policy.Traffic(List.of(MAC), 0, 100, 1000, Duration.ofSeconds(1));
    engine.install(vm1, rule(new Policy.Time(List.of(), List.of(), List.of(22), t)));
    stats.packets("vm1", MAC, 5000);
    advance(Duration.ofSeconds(3));
    assertEquals(2601000, khz(2));
    assertTrue(engine.report("vm1").lastDecision().startsWith("traffic hour 22: 5000 packets/s"));
  }

  @Test
  void busyMovesThePcpusTowardTheTargetBandBothWays() {
    engine.install(
        vm1, rule(new Policy.Busy(80, 5, Duration.ofMillis(100), Duration.ofMillis(300))));
    stats.load("vm1", 0, 100);
    stats.load("vm1", 1, 80);
    advance(Duration.ofMillis(200));
    assertEquals(2601000, khz(2), "saturated: max at once");
    assertEquals(2000000, khz(3), "in the band: unchanged");
    stats.load("vm1", 0, 20);
    advance(Duration.ofMillis(100));
    assertEquals(2601000, khz(2), "cooling down");
    advance(Duration.ofMillis(300));
    // 2601000 x 20 / 80 = 650250: the lowest entry
    assertEquals(1200000, khz(2), "back down after the cooldown");
    stats.load("vm1", 1, 90);
    advance(Duration.ofMillis(200));
    // 2000000 x 90 / 80 = 2250000: the lowest entry at or above is 2400000
    assertEquals(2400000, khz(3));
    assertTrue(engine.report("vm1").measured().startsWith("busy 20% 90%"));
  }

  @Test
  void aVcpuThatWaitsForACpuCountsAsBusy() {
    engine.install(
        vm1, rule(new Policy.Busy(80, 5, Duration.ofMillis(100), Duration.ofMillis(300))));
    stats.load("vm1", 0, 30); // runs 30 % of the time...
    stats.waiting("vm1", 0, 70); // ...and waits for a CPU the rest: it wants all of it
    advance(Duration.ofMillis(100));
    assertEquals(2601000, khz(2), "saturated");
    assertTrue(engine.report("vm1").measured().startsWith("busy 100%"));
  }

  @Test
  void busyOnlyReadsAtItsPeriodAndSamplesEveryDueVmInOneCall() {
    Vm vm2 = new Vm(new VmInfo("vm2", VmState.RUNNING, 1, List.of(CpuSet.of(4))));
    registry.add(vm2);
    stats.vm("vm2", 1);
    Policy busy = new Policy.Busy(80, 5, Duration.ofMillis(100), Duration.ofMillis(300));
    engine.install(vm1, rule(busy));
    engine.install(vm2, rule(busy));
    advance(Duration.ofSeconds(1));
    // at install (t), then every 100 ms aligned: 10 ticks, each one read for both VMs
    assertTrue(stats.reads() >= 10 && stats.reads() <= 11, "reads: " + stats.reads());
    assertEquals(engine.countersOf("vm1").decisions(), engine.countersOf("vm2").decisions());
  }

  @Test
  void aFailingSourceIsReportedCountedAndHoldsTheLastFrequency() {
    engine.install(vm1, rule(new Policy.Busy(80, 5, Duration.ofMillis(100), Duration.ofMillis(0))));
    stats.load("vm1", 0, 100);
    advance(Duration.ofMillis(200));
    assertEquals(2601000, khz(2));
    stats.failWith("libvirt connection lost");
    stats.load("vm1", 0, 0);
    advance(Duration.ofMillis(500));
    assertEquals(2601000, khz(2), "held");
    PolicyEngine.Report r = engine.report("vm1");
    assertTrue(r.problem().contains("libvirt connection lost"), r.problem());
    assertTrue(engine.countersOf("vm1").failures() >= 5);
    stats.failWith(null);
    advance(Duration.ofMillis(300));
    assertEquals("", engine.report("vm1").problem(), "recovered");
    assertEquals(1200000, khz(2));
    assertTrue(engine.sampling().failures() >= 5);
  }

  @Test
  void aGoneInterfaceAndAStoppedVmAreReported() {
    engine.install(vm1, rule(new Policy.Traffic(List.of(MAC), 0, 10, 20, Duration.ofSeconds(1))));
    stats.packets("vm1", MAC, 100);
    advance(Duration.ofSeconds(2));
    assertEquals(2601000, khz(2));
    stats.unplug("vm1", MAC);
    advance(Duration.ofSeconds(1));
    assertTrue(
        engine.report("vm1").problem().contains("interface " + MAC + " of VM 'vm1' is gone"));
    assertEquals(2601000, khz(2), "held");
    vm1.state(VmState.SHUT_OFF);
    advance(Duration.ofSeconds(1));
    assertTrue(engine.report("vm1").problem().contains("is not running"));
    assertEquals(Long.MAX_VALUE, engine.nextDueNanos(), "its start will make it due");
    vm1.state(VmState.RUNNING);
    engine.evaluateSoon("vm1", true);
    assertTrue(engine.nextDueNanos() <= clock.nanoTime());
  }

  @Test
  void aGuestRequestHoldsUntilTheNextEvaluation() {
    engine.install(vm1, rule(new Policy.Busy(80, 5, Duration.ofMillis(100), Duration.ofMillis(0))));
    stats.load("vm1", 0, 100);
    advance(Duration.ofMillis(200));
    assertEquals(2601000, khz(2));
    arbiter.request(vm1, 0, ScaleOp.MIN); // the guest asks between two evaluations
    assertEquals(1200000, khz(2));
    advance(Duration.ofMillis(100));
    assertEquals(2601000, khz(2), "the busy vCPU's next evaluation decides again");
  }

  @Test
  void guestsMaySetOnlyGuestPoliciesAndRemoveOnlyThose() {
    VmPolicy guest =
        new VmPolicy(new Policy.Workload(FrequencyLevel.MIN), List.of(), PolicySource.GUEST, true);
    assertEquals(Counter.NACK_POLICY_NONE, engine.removeFromGuest(vm1).counter());
    assertTrue(engine.installFromGuest(vm1, guest).acked());
    assertTrue(engine.removeFromGuest(vm1).acked());
    engine.install(vm1, rule(new Policy.Workload(FrequencyLevel.MAX)));
    PolicyVerdict v = engine.installFromGuest(vm1, guest);
    assertEquals(Counter.NACK_POLICY_HELD, v.counter());
    assertTrue(v.message().contains("set by the operator"), v.message());
    assertEquals(Counter.NACK_POLICY_HELD, engine.removeFromGuest(vm1).counter());
    assertEquals(PolicySource.OPERATOR, engine.policyOf("vm1").source());
  }

  @Test
  void removingAPolicyDropsItsDemandsAndItsHold() {
    engine.install(
        vm1,
        new VmPolicy(
            new Policy.Workload(FrequencyLevel.MAX), List.of(), PolicySource.OPERATOR, false));
    engine.runDue(clock.nanoTime());
    assertTrue(vm1.policyHolds(0) && vm1.policyHolds(1));
    assertNotNull(engine.remove("vm1"));
    assertFalse(vm1.policyHolds(0));
    assertEquals(-1, arbiter.demandOf(vm1, 2));
    assertEquals(null, engine.remove("vm1"));
    assertEquals(Long.MAX_VALUE, engine.nextDueNanos());
  }

  @Test
  void aRemovedVmTakesItsPolicyAlong() {
    engine.install(vm1, rule(new Policy.Workload(FrequencyLevel.MAX)));
    engine.runDue(clock.nanoTime());
    registry.remove("vm1");
    assertEquals(null, engine.policyOf("vm1"));
    assertEquals(-1, arbiter.demandOf(vm1, 2));
  }

  @Test
  void branchRatioNeedsBranchCounters() {
    VmPolicy br = rule(new Policy.BranchRatio(0.1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> engine.install(vm1, br));
    assertTrue(e.getMessage().contains("no per-CPU branch counters"), e.getMessage());
    assertEquals(
        Counter.NACK_POLICY_NO_BRANCH_COUNTERS, engine.installFromGuest(vm1, br).counter());
  }

  @Test
  void lowestAtOrAboveAndAlignment() {
    var t = FakeCpuFrequencies.TURBO_TABLE;
    assertEquals(8, PolicyEngine.lowestAtOrAbove(t, 0, true));
    assertEquals(3, PolicyEngine.lowestAtOrAbove(t, 2200000, true));
    assertEquals(2, PolicyEngine.lowestAtOrAbove(t, 2200001, true));
    assertEquals(0, PolicyEngine.lowestAtOrAbove(t, 9e9, true));
    assertEquals(1, PolicyEngine.lowestAtOrAbove(t, 9e9, false), "no turbo while it is disabled");
    assertEquals(200, PolicyEngine.aligned(100, 100));
    assertEquals(200, PolicyEngine.aligned(199, 100));
    assertEquals(0, PolicyEngine.aligned(-1, 100));
  }
}
