package io.vmpower.hal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatedWorkloadsTest {
  static final String HOST =
      """
      host: {cpus: 4, frequencies: [2000000, 1000000]}
      vms:
        - {name: vm1, vcpus: 4, pinning: ["0", "1", "2", "3"], channels: [0]}
      """;

  static SimulatedWorkloads workloads(String yaml) {
    Scenario s = ScenarioLoader.parse(HOST + yaml, ScenarioLoader.Format.YAML, "t");
    return SimulatedWorkloads.resolve(s, "t");
  }

  static long at(String hhmm) {
    return SimulatedWorkloads.timeOfDay("t", "t", hhmm);
  }

  @Test
  void eachShapeGivesItsLoadAtEachTimeOfDay() {
    SimulatedWorkloads w =
        workloads(
            """
            workloads:
              - {vm: vm1, vcpus: "0", daily: {low: 10, high: 90, peak: "14:00"}}
              - {vm: vm1, vcpus: "1", steps: [{at: "08:00", percent: 60}, {at: "18:00", percent: 20}]}
              - {vm: vm1, vcpus: "2", ramp: {from: 70, to: 10, start: "06:00", end: "09:00"}}
            """);
    assertEquals(90, w.percent("vm1", 0, at("14:00"), 1), 1e-9);
    assertEquals(10, w.percent("vm1", 0, at("02:00"), 1), 1e-9);
    assertEquals(50, w.percent("vm1", 0, at("08:00"), 1), 1e-9);
    assertEquals(20, w.percent("vm1", 1, at("03:00"), 1), 1e-9); // the day's last step wraps
    assertEquals(60, w.percent("vm1", 1, at("08:00"), 1), 1e-9);
    assertEquals(20, w.percent("vm1", 1, at("18:30") + Duration.ofDays(3).toNanos(), 1), 1e-9);
    assertEquals(70, w.percent("vm1", 2, at("05:00"), 1), 1e-9);
    assertEquals(40, w.percent("vm1", 2, at("07:30"), 1), 1e-9);
    assertEquals(10, w.percent("vm1", 2, at("23:00"), 1), 1e-9);
    assertTrue(Double.isNaN(w.percent("vm1", 3, 0, 1)), "no workload: the scenario's load");
  }

  @Test
  void aTraceIsReadFromACsvBesideTheScenario(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("t.csv"), "seconds,percent\n0,5\n60,50.5\n120,100\n");
    Path file = dir.resolve("s.yaml");
    Files.writeString(file, HOST + "workloads:\n  - {vm: vm1, trace: t.csv}\n");
    SimulatedWorkloads w = SimulatedWorkloads.resolve(ScenarioLoader.load(file), "s");
    assertEquals(5, w.percent("vm1", 3, 59_000_000_000L, 1), 1e-9);
    assertEquals(50.5, w.percent("vm1", 3, 60_000_000_000L, 1), 1e-9);
    assertEquals(100, w.percent("vm1", 0, Duration.ofHours(5).toNanos(), 1), 1e-9);
  }

  @Test
  void noiseIsBoundedAndTheSameForTheSameSeed() {
    SimulatedWorkloads w = workloads("workloads:\n  - {vm: vm1, percent: 50, noise: 5}\n");
    boolean differs = false;
    for (int m = 0; m < 200; m++) {
      long t = m * 60_000_000_000L;
      double p = w.percent("vm1", 0, t, 7);
      assertTrue(p >= 45 && p <= 55, p + " out of 50 ± 5");
      assertEquals(p, w.percent("vm1", 0, t + 1_000_000_000L, 7)); // one draw per minute
      differs |= p != w.percent("vm1", 0, t, 8);
    }
    assertTrue(differs, "another seed draws other noise");
    assertNotEquals(w.percent("vm1", 0, 0, 7), w.percent("vm1", 1, 0, 7));
  }

  @Test
  void badWorkloadsAndGuestsAreRefusedNamingTheField() {
    String[][] cases = {
      {"workloads:\n  - {vm: nope, percent: 5}\n", "workloads[0].vm"},
      {"workloads:\n  - {vm: vm1, percent: 5, daily: {low: 1, high: 2}}\n", "exactly one"},
      {"workloads:\n  - {vm: vm1, vcpus: \"4\", percent: 5}\n", "workloads[0].vcpus"},
      {"workloads:\n  - {vm: vm1, percent: 120}\n", "workloads[0].percent"},
      {"workloads:\n  - {vm: vm1, steps: [{at: \"25:00\", percent: 1}]}\n", "steps[0].at"},
      {"workloads:\n  - {vm: vm1, trace: /nonexistent.csv}\n", "cannot read"},
      {"guests:\n  - {vm: vm1, app: nginx}\n", "guests[0].app"},
      {"guests:\n  - {vm: vm1, up: 30, down: 40}\n", "guests[0].down"},
      {"guests:\n  - {vm: vm1, period: soon}\n", "guests[0].period"},
      {"live: {speed: 0}\n", "live.speed"},
    };
    for (String[] c : cases) {
      ScenarioException e = assertThrows(ScenarioException.class, () -> workloads(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), e.getMessage());
    }
  }
}
