package io.vmpower.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * {@code vm-power-mgr --daemon} as systemd runs it: a process of its own on the simulated host,
 * with {@code $NOTIFY_SOCKET} a real AF_UNIX datagram socket of this test that plays systemd, a
 * watchdog, SIGHUP to reload a changed and then a broken file, and SIGTERM to stop.
 */
class DaemonProcessTest {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir Path dir;
  private AFUNIXDatagramChannel systemd;
  private Process daemon;
  private final List<String> notified = new CopyOnWriteArrayList<>();
  private Thread receiver;

  @AfterEach
  void close() throws Exception {
    if (daemon != null && daemon.isAlive()) {
      daemon.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    if (receiver != null) {
      receiver.interrupt();
    }
    if (systemd != null) {
      systemd.close();
    }
  }

  /** Binds the notification socket and keeps every datagram, as systemd would read them. */
  private Path listen() throws IOException {
    Path socket = dir.resolve("notify");
    systemd = AFUNIXDatagramChannel.open();
    systemd.bind(AFUNIXSocketAddress.of(socket));
    receiver =
        new Thread(
            () -> {
              ByteBuffer b = ByteBuffer.allocate(4096);
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  b.clear();
                  systemd.receive(b);
                  b.flip();
                  notified.add(StandardCharsets.UTF_8.decode(b).toString());
                } catch (IOException e) {
                  return;
                }
              }
            },
            "systemd-plays");
    receiver.setDaemon(true);
    receiver.start();
    return socket;
  }

  private long count(String line) {
    return notified.stream().filter(m -> m.lines().anyMatch(line::equals)).count();
  }

  private String log() throws IOException {
    return Files.readString(dir.resolve("daemon.err"));
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(daemon.pid())).start();
    assertEquals(0, kill.waitFor(), "kill -" + name);
  }

  @Test
  void startsReloadsWatchesAndStopsAsASystemdService() throws Exception {
    Path notify = listen();
    Path config = Files.writeString(dir.resolve("vmpower.yaml"), "vms:\n  manage: auto\n");
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            HostMain.class.getName(),
            "--daemon",
            "--sim",
            "--channel-dir",
            dir.resolve("ch").toString(),
            "--control-socket",
            dir.resolve("control.sock").toString(),
            "--config",
            config.toString());
    pb.environment().put("NOTIFY_SOCKET", notify.toString());
    pb.environment().put("WATCHDOG_USEC", "600000");
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.redirectOutput(dir.resolve("daemon.out").toFile());
    pb.redirectError(dir.resolve("daemon.err").toFile());
    daemon = pb.start();

    await().atMost(PATIENCE).until(() -> count("READY=1") == 1 || !daemon.isAlive());
    assertTrue(
        notified.contains("READY=1\nSTATUS=Serving 6 channel(s) of 2 VM(s), 6 attached"),
        notified + "\n" + log());
    await().atMost(PATIENCE).until(() -> count("WATCHDOG=1") >= 3);
    assertTrue(Files.exists(dir.resolve("control.sock")), "the control socket is open at READY=1");

    // a changed file: only vm1 is managed now
    Files.writeString(config, "vms:\n  manage: [vm1]\n");
    signal("HUP");
    await().atMost(PATIENCE).until(() -> count("READY=1") == 2);
    assertEquals(1, count("RELOADING=1"));
    assertTrue(
        notified.contains("READY=1\nSTATUS=Serving 2 channel(s) of 1 VM(s), 2 attached"),
        notified.toString());
    await()
        .atMost(PATIENCE)
        .until(() -> log().contains("<6>ConfigReloader: Reloaded " + config + ": 2 change(s)"));
    assertTrue(log().contains("<6>ConfigReloader:   changed: vms.manage: auto -> [vm1]"), log());

    // a broken file: refused, nothing changes
    Files.writeString(config, "vms:\n  manages: [vm2]\n");
    signal("HUP");
    await().atMost(PATIENCE).until(() -> count("READY=1") == 3);
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                log()
                    .contains(
                        "<4>ConfigReloader: Configuration not reloaded: "
                            + config
                            + ":2:3: unknown key 'vms.manages'; accepted here: manage,"
                            + " rescan-seconds, settings"));
    List<String> readies = notified.stream().filter(m -> m.startsWith("READY=1")).toList();
    assertEquals(
        "READY=1\nSTATUS=Serving 2 channel(s) of 1 VM(s), 2 attached",
        readies.get(readies.size() - 1),
        "the broken file changed nothing");

    signal("TERM");
    assertTrue(daemon.waitFor(60, TimeUnit.SECONDS), "stopped");
    assertEquals(143, daemon.exitValue(), "the JVM's status for SIGTERM, as before");
    assertEquals(1, count("STOPPING=1"));
    String log = log();
    assertTrue(log.contains("<6>HostLifecycle: CPU frequency settings restored"), log);
    for (String line : log.split("\n")) {
      assertTrue(line.matches("<[0-7]>.*"), "a journald priority on every line: " + line);
    }
    assertTrue(
        log.lines().noneMatch(l -> l.matches("<\\d>\\d\\d:\\d\\d:\\d\\d.*")),
        "no timestamp of our own");
    assertEquals("", Files.readString(dir.resolve("daemon.out")), "nothing on standard output");
    assertTrue(!Files.exists(dir.resolve("control.sock")), "the control socket removed at exit");
  }
}
