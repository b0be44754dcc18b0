package io.vmpower.cli.sim;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.cli.HostApp;
import io.vmpower.cli.HostMain;
import io.vmpower.core.config.HostConfig;
import io.vmpower.hal.sim.Scenario;
import io.vmpower.hal.sim.SimulatedClock;
import io.vmpower.hal.sim.SimulatedHost;
import io.vmpower.hal.sim.SimulatedQemuSockets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live demo of the built-in scenario moves by itself, over real sockets. */
class SimLiveTest {
  @TempDir Path dir;

  @Test
  void theDefaultScenarioMovesByItselfAndItsGuestAsksOverTheSockets() throws Exception {
    Scenario scenario = Scenario.defaultScenario();
    SimulatedHost host =
        new SimulatedHost(scenario, dir.resolve("ch"), SimulatedClock.followingRealTime());
    StringWriter out = new StringWriter();
    HostApp app =
        new HostApp(
            HostConfig.defaults(dir.resolve("ch")),
            HostMain.demoModule(host),
            new PrintWriter(out, true),
            new PrintWriter(out, true));
    try (host;
        SimulatedQemuSockets sockets = new SimulatedQemuSockets(host);
        AutoCloseable stop = app::shutdown) {
      app.start();
      assertEquals(0, app.execute("add_vm vm2"));
      assertEquals(0, app.execute("add_channels vm2 all"));
      StringWriter said = new StringWriter();
      try (SimLive live = SimLauncher.live(app, scenario, sockets, new PrintWriter(said, true))) {
        assertTrue(said.toString().contains("60 times faster than real time"), said.toString());
        // the clock runs ahead of real time, the workload sets the loads (vm1's daily curve at
        // night: 8 % +- 5), and vm2's l3fwd-power lcores, 10 % busy at night, ask to come down
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> host.clock().elapsed().compareTo(Duration.ofMinutes(1)) > 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> host.loadOf("vm1", 0) > 0);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> host.frequencyKhz(4) < 2600000 && host.frequencyKhz(5) < 2600000);
        assertEquals(0, app.execute("show_stats"));
        assertTrue(out.toString().matches("(?s).*vm2 +0 CONNECTED +[1-9].*"), out.toString());
      }
    }
  }
}
