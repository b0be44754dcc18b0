package io.vmpower.core.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.ChannelSettings;
import io.vmpower.core.config.VmPowerConfig;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.monitor.ChannelMonitor;
import io.vmpower.core.vm.ChannelState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's start, stop, services and watchdog. */
class HostServiceTest {
  @TempDir Path dir;
  private ServiceTestHost host;
  private final List<String> log = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    if (host != null) {
      host.close();
    }
  }

  private VmPowerConfig config() {
    return VmPowerConfig.defaults().withChannels(ChannelSettings.defaults().withFolder(dir));
  }

  /** A service that writes what happens to it into {@link #log}. */
  private Service service(String name, boolean fails) {
    return new Service() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void start() throws Exception {
        log.add(
            "start "
                + name
                + " (ready told: "
                + host.notifier.count("READY=1")
                + ", vm1.0 "
                + host.state("vm1", 0)
                + ")");
        if (fails) {
          throw new java.io.IOException(name + " cannot bind");
        }
      }

      @Override
      public void close() {
        log.add("close " + name + " (stopping told: " + host.notifier.count("STOPPING=1") + ")");
      }
    };
  }

  @Test
  void readyIsToldOnceTheVmsAreManagedAndTheServicesRun() throws Exception {
    host = new ServiceTestHost(dir).domain("vm1", VmState.RUNNING, 0, 1);
    host.services.add(service("control", false));
    host.services.add(service("metrics", false));
    host.build(config());

    assertFalse(host.service().ready(), "not ready before start");
    host.service().start();
    assertTrue(host.service().ready());

    assertEquals(
        List.of(
            "start control (ready told: 0, vm1.0 CONNECTED)",
            "start metrics (ready told: 0, vm1.0 CONNECTED)"),
        log);
    List<String> messages = host.notifier.messages();
    assertTrue(messages.get(0).startsWith("STATUS=Starting: reading the VMs"), messages.get(0));
    assertEquals(
        "READY=1\nSTATUS=Serving 2 channel(s) of 1 VM(s), 2 attached",
        messages.get(messages.size() - 1));

    assertNull(host.service().stop());
    assertFalse(host.service().ready(), "not ready once stopped");
    assertEquals(
        List.of(
            "start control (ready told: 0, vm1.0 CONNECTED)",
            "start metrics (ready told: 0, vm1.0 CONNECTED)",
            "close metrics (stopping told: 1)",
            "close control (stopping told: 1)"),
        log);
    assertEquals(ChannelState.DISCONNECTED, host.state("vm1", 0), "closed at stop");
    assertNull(host.service().stop(), "stop is idempotent");
    assertEquals(1, host.notifier.count("STOPPING=1"));
  }

  @Test
  void aServiceThatCannotStartFailsTheStartAndNothingIsReady() throws Exception {
    host = new ServiceTestHost(dir).domain("vm1", VmState.RUNNING, 0);
    host.services.add(service("control", true));
    host.services.add(service("metrics", false));
    host.build(config());

    Exception e = assertThrows(java.io.IOException.class, () -> host.service().start());
    assertEquals("control cannot bind", e.getMessage());
    host.service().stop();

    assertEquals(0, host.notifier.count("READY=1"));
    assertEquals(
        List.of("start control (ready told: 0, vm1.0 CONNECTED)"), log, "metrics never started");
    assertEquals(ChannelState.DISCONNECTED, host.state("vm1", 0), "stop closed what start opened");
  }

  @Test
  void theWatchdogIsToldOnlyWhileTheMonitorAnswers() throws Exception {
    host = new ServiceTestHost(dir, Duration.ofMillis(200)).domain("vm1", VmState.RUNNING, 0);
    host.build(config());
    host.service().start();
    await().atMost(Duration.ofSeconds(10)).until(() -> host.notifier.count("WATCHDOG=1") >= 3);

    // the monitor thread hangs in a task
    CountDownLatch hang = new CountDownLatch(1);
    ChannelMonitor monitor = host.get(ChannelMonitor.class);
    CompletableFuture<Object> stuck =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return monitor.call(() -> hang.await(30, TimeUnit.SECONDS));
              } catch (Exception e) {
                return e;
              }
            });
    await().atMost(Duration.ofSeconds(5)).until(() -> !monitor.answers(Duration.ofMillis(50)));
    int whileHung = host.notifier.count("WATCHDOG=1");
    await()
        .during(Duration.ofMillis(800))
        .atMost(Duration.ofSeconds(5))
        .until(() -> host.notifier.count("WATCHDOG=1") == whileHung);

    hang.countDown();
    stuck.get(10, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> host.notifier.count("WATCHDOG=1") > whileHung + 1);
  }

  @Test
  void withoutAWatchdogNothingIsPinged() throws Exception {
    host = new ServiceTestHost(dir).domain("vm1", VmState.RUNNING, 0);
    host.build(config());
    host.service().start();
    await().during(Duration.ofMillis(300)).until(() -> host.notifier.count("WATCHDOG=1") == 0);
  }

  @Test
  void theStatusFollowsTheVms() throws Exception {
    host = new ServiceTestHost(dir).domain("vm1", VmState.RUNNING, 0);
    host.build(config());
    host.service().start();
    host.domain("vm2", VmState.RUNNING, 0, 1);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                host.notifier
                    .messages()
                    .contains("STATUS=Serving 3 channel(s) of 2 VM(s), 3 attached"));
  }
}
