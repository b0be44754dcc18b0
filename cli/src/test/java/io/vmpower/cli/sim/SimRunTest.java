package io.vmpower.cli.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.hal.sim.Scenario;
import io.vmpower.hal.sim.ScenarioLoader;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimRunTest {
  static final long SEED = 42;

  /** Two CPUs (2 GHz and 1 GHz, no turbo), one VM of one vCPU on CPU 1, loaded 60 %. */
  static final String TINY =
      """
      host:
        cpus: 2
        frequencies: [2000000, 1000000]
        initialKhz: 2000000
      vms:
        - name: vm1
          vcpus: 1
          pinning: ["1"]
          channels: [0]
      workloads:
        - vm: vm1
          percent: 60
      guests:
        - vm: vm1
      time:
        quiet: "0-23"
      """;

  static Scenario tiny() {
    return ScenarioLoader.parse(TINY, ScenarioLoader.Format.YAML, "tiny");
  }

  @Test
  void theEnergyOfATinyScenarioIsTheModelsByHand() {
    SimResult perf =
        SimRun.run(
            tiny(), SimRun.Strategy.PERFORMANCE, SimRun.Options.of(Duration.ofHours(1), SEED));
    // CPU 0 idle at 0.74 W; CPU 1 busy 60 % at 2 GHz: 0.4 x 0.74 + 0.6 x 3.5 = 2.396 W
    assertEquals(0.74 * 3600 + 2.396 * 3600, perf.totalJoules(), 1e-6);
    assertEquals(perf.totalJoules(), perf.hostCounterJoules(), 1e-3);
    assertEquals(0.6 * 3.5 * 3600, perf.vmJoules().get("vm1"), 1e-6);
    assertEquals(0, perf.unservedTotal(), 1e-9);
    assertEquals(0.6 * 3600, perf.demandTotal(), 1e-6);
    assertEquals(0, perf.slowedTotal(), 1e-9);

    SimResult time =
        SimRun.run(tiny(), SimRun.Strategy.TIME, SimRun.Options.of(Duration.ofHours(1), SEED));
    // quiet all day: CPU 1 at 1 GHz, saturated (0.6 / 0.5 > 1): 0.74 + 2.76 x 0.5^3 = 1.085 W;
    // CPU 0 nobody's: left at 2 GHz, idle
    assertEquals(0.74 * 3600 + 1.085 * 3600, time.totalJoules(), 1e-6);
    assertEquals(time.totalJoules(), time.hostCounterJoules(), 1e-3);
    assertEquals((0.6 - 0.5) * 3600, time.unservedTotal(), 1e-6);
    assertEquals(0.5 * 3600, time.slowedTotal(), 1e-6); // what ran, ran at half speed
    assertEquals(1000000, time.cpuKhz()[1][time.timesSeconds().length - 1], 1e-9);
  }

  @Test
  void aGuestAsksThroughItsChannelAndIsAnswered() {
    SimResult guest =
        SimRun.run(tiny(), SimRun.Strategy.GUEST, SimRun.Options.of(Duration.ofMinutes(10), SEED));
    // 60 % at 2 GHz is between down (40) and up (80): the lcore asks nothing... until it is slowed
    assertEquals(guest.requestsSent(), guest.requestsAnswered());
    assertEquals(0, guest.nacks());
  }

  @Test
  void aRunIsTheSameEveryTime() {
    Scenario s = Scenario.defaultScenario();
    SimRun.Options o = SimRun.Options.of(Duration.ofHours(2), SEED);
    for (SimRun.Strategy strategy : SimRun.Strategy.values()) {
      SimResult a = SimRun.run(s, strategy, o);
      SimResult b = SimRun.run(s, strategy, o);
      System.out.println("seed " + SEED + ": " + a.summary());
      assertEquals(a.totalJoules(), b.totalJoules(), 0.0, strategy.word());
      assertEquals(a.unservedTotal(), b.unservedTotal(), 0.0);
      assertEquals(a.requestsSent(), b.requestsSent());
      assertEquals(a.frequencyWrites(), b.frequencyWrites());
      assertArrayEquals(a.powerWatts(), b.powerWatts(), 0.0);
      for (int c = 0; c < a.cpuKhz().length; c++) {
        assertArrayEquals(a.cpuKhz()[c], b.cpuKhz()[c], 0.0);
      }
      assertTrue(a.totalJoules() > 0);
    }
  }
}
