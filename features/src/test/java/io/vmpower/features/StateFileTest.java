package io.vmpower.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.cli.HostApp;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.host.StateFile;
import io.vmpower.hal.sim.Scenario;
import io.vmpower.hal.sim.SimulatedHalModule;
import io.vmpower.hal.sim.SimulatedHost;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host killed with SIGKILL cannot restore anything in-process: the state file it wrote before its
 * first change lets the next host (or {@code --restore}) put the CPUs back. On the simulated host a
 * "kill" is a host that is simply never shut down.
 */
class StateFileTest {
  @TempDir Path dir;

  private HostApp host(SimulatedHost sim, Path state, StringWriter out) {
    return new HostApp(
            HostConfig.defaults(dir),
            StateFile.at(state),
            new SimulatedHalModule(sim),
            new PrintWriter(out, true),
            new PrintWriter(out, true))
        .start();
  }

  @Test
  void theNextHostPutsBackWhatAKilledHostLeft() throws Exception {
    Path state = dir.resolve("run/state.properties");
    try (SimulatedHost sim = new SimulatedHost(Scenario.defaultScenario(), dir)) {
      StringWriter out = new StringWriter();
      HostApp killed = host(sim, state, out);
      assertTrue(Files.exists(state), "state written at start, before any change");
      assertEquals(0, killed.execute("set_cpu_freq_mask 0xff min"));
      assertEquals(1200000, sim.frequencyKhz(5));
      Map<String, String> saved = StateFile.at(state).read().orElseThrow().settings();
      assertEquals("1", saved.get("cpu5.index"), "the original index (2600000) was saved");

      // killed: never shut down, and its threads gone (a killed process's timers do not run on).
      killed.injector().getInstance(io.vmpower.core.drift.DriftMonitor.class).close();
      killed.injector().getInstance(io.vmpower.core.energy.EnergySampler.class).close();
      // A new host starts on the same machine.
      HostApp next = host(sim, state, out);
      assertTrue(
          next.notes().stream().anyMatch(n -> n.contains("did not exit cleanly")),
          next.notes()::toString);
      for (int cpu = 0; cpu < 8; cpu++) {
        assertEquals(2600000, sim.frequencyKhz(cpu), "cpu" + cpu + " put back");
      }
      assertEquals(0, next.execute("set_cpu_freq 2 down"));
      assertEquals(null, next.shutdown());
      assertFalse(Files.exists(state), "state file removed after a clean restore");
      assertEquals(2600000, sim.frequencyKhz(2));
    }
  }

  @Test
  void aStateFileOfAnotherBackendIsLeftAlone() throws Exception {
    Path state = dir.resolve("state.properties");
    StateFile.at(state).write("cpufreq sysfs at /elsewhere", Map.of("cpu0.index", "8"));
    try (SimulatedHost sim = new SimulatedHost(Scenario.defaultScenario(), dir)) {
      HostApp app = host(sim, state, new StringWriter());
      assertTrue(
          app.notes().stream().anyMatch(n -> n.contains("left alone")), app.notes()::toString);
      assertEquals(2600000, sim.frequencyKhz(0), "nothing applied from another backend's file");
      app.shutdown();
      assertEquals(
          "cpufreq sysfs at /elsewhere",
          StateFile.at(state).read().orElseThrow().backend(),
          "the other backend's file is still there");
    }
  }

  @Test
  void aMalformedStateFileIsReportedAndNothingChanges() throws Exception {
    Path state = dir.resolve("state.properties");
    Files.writeString(state, "cpu0.index=8\n");
    try (SimulatedHost sim = new SimulatedHost(Scenario.defaultScenario(), dir)) {
      HostApp app = host(sim, state, new StringWriter());
      assertTrue(
          app.notes().stream().anyMatch(n -> n.contains("not usable")), app.notes()::toString);
      assertEquals(2600000, sim.frequencyKhz(0));
      assertEquals(0, app.execute("set_cpu_freq 0 down"), "the host serves anyway");
      app.shutdown();
      assertEquals(2600000, sim.frequencyKhz(0));
    }
  }
}
