package io.vmpower.hal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SimulatedServiceNotifierTest {
  @Test
  void recordsEachNotificationAsSystemdWouldReceiveIt() {
    SimulatedServiceNotifier n = new SimulatedServiceNotifier();
    n.status("starting");
    n.ready("serving 2 channels");
    n.reloading("reloading");
    n.watchdog();
    n.stopping("stopping");

    assertEquals(
        List.of(
            "STATUS=starting",
            "READY=1\nSTATUS=serving 2 channels",
            "RELOADING=1\nSTATUS=reloading",
            "WATCHDOG=1",
            "STOPPING=1\nSTATUS=stopping"),
        n.messages());
    assertEquals(1, n.count("READY=1"));
    assertEquals(0, n.count("READY"));
    assertEquals("stopping", n.lastStatus());
    assertTrue(n.enabled());
  }

  @Test
  void aWatchdogIsAskedForOnlyWhenConfigured() {
    assertEquals(Optional.empty(), new SimulatedServiceNotifier().watchdogInterval());
    assertEquals(
        Optional.of(Duration.ofSeconds(2)),
        new SimulatedServiceNotifier(Duration.ofSeconds(2)).watchdogInterval());
  }
}
