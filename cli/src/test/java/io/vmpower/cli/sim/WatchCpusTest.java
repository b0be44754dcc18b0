package io.vmpower.cli.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.cli.HostApp;
import io.vmpower.core.config.HostConfig;
import io.vmpower.hal.sim.Scenario;
import io.vmpower.hal.sim.SimulatedHalModule;
import io.vmpower.hal.sim.SimulatedHost;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** watch_cpus at the prompt's terminal: frames drawn in place, ended by a key. */
class WatchCpusTest {
  private static final String CLEAR = "\033[H\033[2J";
  @TempDir Path dir;
  private SimulatedHost sim;
  private HostApp app;

  @BeforeEach
  void start() {
    sim = new SimulatedHost(Scenario.defaultScenario(), dir);
    app =
        new HostApp(
                HostConfig.defaults(dir),
                new SimulatedHalModule(sim),
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(new StringWriter(), true))
            .start();
  }

  @AfterEach
  void stop() {
    app.shutdown();
    sim.close();
  }

  private String session(String typed) {
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          try (DumbTerminal t =
              new DumbTerminal(
                  "test",
                  "xterm",
                  new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)),
                  screen,
                  StandardCharsets.UTF_8)) {
            assertEquals(0, app.shell().runInteractive(t, null));
          }
        });
    return screen.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aKeyEndsTheWatch() {
    sim.load("vm1", 0, 50);
    String screen = session("watch_cpus --interval 0.2\nq\nquit\n");
    assertEquals(1, screen.split(CLEAR.replace("[", "\\["), -1).length - 1, screen);
    assertTrue(screen.contains("press any key (or Ctrl-C) to stop"), screen);
    assertTrue(screen.contains("BUSY %: cpu0=0 cpu1=0 cpu2=50 cpu3=0"), screen);
    assertTrue(screen.contains("2    acpi-cpufreq"), screen);
  }

  @Test
  void withoutAKeyItRefreshesCountTimesInPlace() {
    // the input ends after the command: no key comes, --count ends the watch
    String screen = session("watch_cpus --interval 0.2 --count 3\n");
    assertEquals(3, screen.split(CLEAR.replace("[", "\\["), -1).length - 1, screen);
  }
}
