package io.vmpower.hal.linux.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.hal.ServiceNotifier;
import java.io.IOException;
import java.net.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** Against a real AF_UNIX datagram socket that plays systemd's notification socket. */
class SystemdServiceNotifierTest {
  @TempDir Path dir;
  private AFUNIXDatagramSocket systemd;

  @AfterEach
  void close() {
    if (systemd != null) {
      systemd.close();
    }
  }

  /** Binds the socket systemd would listen on, at a path or (starting with @) abstract. */
  private String listen(String name) throws IOException {
    systemd = AFUNIXDatagramSocket.newInstance();
    systemd.bind(
        name.startsWith("@")
            ? AFUNIXSocketAddress.inAbstractNamespace(name.substring(1))
            : AFUNIXSocketAddress.of(Path.of(name)));
    systemd.setSoTimeout(5000);
    return name;
  }

  private String receive() throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
    systemd.receive(p);
    return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
  }

  private static ServiceNotifier notifier(Map<String, String> env) {
    return SystemdServiceNotifier.fromEnvironment(env, () -> 4242);
  }

  @Test
  void sendsEachNotificationAsOneDatagramToThePath() throws Exception {
    String socket = listen(dir.resolve("notify").toString());
    ServiceNotifier n = notifier(Map.of("NOTIFY_SOCKET", socket));
    assertTrue(n.enabled());
    assertEquals("systemd (NOTIFY_SOCKET=" + socket + ")", n.description());

    n.status("starting:\nreading VMs");
    n.ready("serving 2 channel(s) of 1 VM(s)");
    n.reloading("reloading /etc/vmpower/vmpower.yaml");
    n.watchdog();
    n.stopping("restoring the CPUs");

    assertEquals("STATUS=starting: reading VMs", receive(), "a status stays on one line");
    assertEquals("READY=1\nSTATUS=serving 2 channel(s) of 1 VM(s)", receive());
    String reloading = receive();
    assertTrue(
        reloading.matches(
            "RELOADING=1\nMONOTONIC_USEC=\\d+\nSTATUS=reloading /etc/vmpower/vmpower.yaml"),
        reloading);
    assertEquals("WATCHDOG=1", receive());
    assertEquals("STOPPING=1\nSTATUS=restoring the CPUs", receive());
  }

  @Test
  void reachesASocketInTheAbstractNamespace() throws Exception {
    String socket = listen("@vmpower-test-" + UUID.randomUUID());
    notifier(Map.of("NOTIFY_SOCKET", socket)).ready("up");
    assertEquals("READY=1\nSTATUS=up", receive());
  }

  @Test
  void withoutNotifySocketNothingIsSent() {
    assertSame(ServiceNotifier.NONE, notifier(Map.of()));
    assertSame(ServiceNotifier.NONE, notifier(Map.of("NOTIFY_SOCKET", "")));
    assertSame(
        ServiceNotifier.NONE,
        notifier(Map.of("NOTIFY_SOCKET", "relative/notify")),
        "neither a path nor @name");
    assertFalse(ServiceNotifier.NONE.enabled());
    ServiceNotifier.NONE.ready("nobody listens");
  }

  @Test
  void aSocketThatIsNotThereYetLosesThatNotificationOnly() throws Exception {
    Path path = dir.resolve("later");
    ServiceNotifier n = notifier(Map.of("NOTIFY_SOCKET", path.toString()));
    n.ready("lost"); // logged, not thrown
    listen(path.toString());
    n.status("heard");
    assertEquals("STATUS=heard", receive());
  }

  @Test
  void theWatchdogIsOursWhenWatchdogPidIsUnsetOrOurs() {
    Map<String, String> ours =
        Map.of("NOTIFY_SOCKET", "/run/x", "WATCHDOG_USEC", "20000000", "WATCHDOG_PID", "4242");
    assertEquals(Optional.of(Duration.ofSeconds(20)), notifier(ours).watchdogInterval());
    assertEquals(
        Optional.of(Duration.ofMillis(1500)),
        notifier(Map.of("NOTIFY_SOCKET", "/run/x", "WATCHDOG_USEC", "1500000")).watchdogInterval());
    assertEquals(
        Optional.empty(),
        notifier(Map.of("NOTIFY_SOCKET", "/run/x", "WATCHDOG_USEC", "1500000", "WATCHDOG_PID", "1"))
            .watchdogInterval(),
        "another process's watchdog");
    assertEquals(
        Optional.empty(),
        notifier(Map.of("NOTIFY_SOCKET", "/run/x", "WATCHDOG_USEC", "soon")).watchdogInterval());
    assertEquals(
        Optional.empty(),
        notifier(Map.of("NOTIFY_SOCKET", "/run/x", "WATCHDOG_USEC", "0")).watchdogInterval());
    assertEquals(
        "systemd (NOTIFY_SOCKET=/run/x, watchdog every 20000 ms)", notifier(ours).description());
  }
}
