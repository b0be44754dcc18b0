package io.vmpower.core.policy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.power.FrequencyLevel;
import io.vmpower.core.power.PowerArbiter;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.testing.FakeClock;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.testing.FakeVmStatistics;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The thread that drives the engine: it sleeps on the HAL clock and only when there is work. */
class PolicySchedulerTest {
  final FakeCpuFrequencies hw = FakeCpuFrequencies.uniform(4, FakeCpuFrequencies.TURBO_TABLE, 4);
  final FakeClock clock = new FakeClock();
  final VmRegistry registry = new VmRegistry();
  final FakeVmStatistics stats = new FakeVmStatistics(clock);
  final PolicyEngine engine =
      new PolicyEngine(
          registry,
          new PowerArbiter(new PowerManager(hw), clock),
          stats,
          clock,
          PolicySettings.defaults());
  final PolicyScheduler scheduler = new PolicyScheduler(engine, clock);
  final Vm vm = new Vm(new VmInfo("vm1", VmState.RUNNING, 1, List.of(CpuSet.of(1))));

  @AfterEach
  void stop() {
    scheduler.close();
  }

  long khz() {
    return hw.table(1).get(hw.currentIndex(1));
  }

  @Test
  void withoutPoliciesItNeverWakesUp() {
    scheduler.start();
    Thread t =
        Thread.getAllStackTraces().keySet().stream()
            .filter(x -> x.getName().equals("vmpower-policies"))
            .findFirst()
            .orElseThrow();
    await().atMost(Duration.ofSeconds(5)).until(() -> t.getState() == Thread.State.WAITING);
    clock.advance(Duration.ofHours(1));
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> scheduler.wakeUps() == 0 && t.getState() == Thread.State.WAITING);
    assertTrue(scheduler.isRunning());
    assertEquals(0, stats.reads());
  }

  @Test
  void itRunsAnInstalledPolicyAtOnceAndThenOnTheClock() {
    registry.add(vm);
    stats.vm("vm1", 1);
    scheduler.start();
    engine.install(
        vm,
        new VmPolicy(
            new Policy.Workload(FrequencyLevel.MIN), List.of(), PolicySource.OPERATOR, true));
    await().atMost(Duration.ofSeconds(5)).until(() -> khz() == 1200000);
    engine.install(
        vm,
        new VmPolicy(
            new Policy.Busy(80, 5, Duration.ofMillis(100), Duration.ofMillis(0)),
            List.of(),
            PolicySource.OPERATOR,
            true));
    stats.load("vm1", 0, 100);
    await().atMost(Duration.ofSeconds(5)).until(() -> engine.idleAt(clock.nanoTime()));
    assertEquals(1200000, khz(), "a baseline only: the clock has not moved");
    clock.advance(Duration.ofMillis(100));
    await().atMost(Duration.ofSeconds(5)).until(() -> khz() == 2601000);
  }
}
