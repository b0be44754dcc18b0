package io.vmpower.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's --json, -c and --control-socket options, as a script or a terminal uses them. */
class HostMainOptionsTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String stdin, String... args) {
    return HostMain.run(
        args,
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void jsonPrintsEachShowViewAsOneLineInScriptModeAndOtherCommandsAsText() {
    int code =
        run(
            "add_vm vm1\nshow_vms\nshow_cpu_freq 3\n",
            "--sim",
            "--channel-dir",
            dir.resolve("ch").toString(),
            "--json");
    String o = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, o + err);
    assertTrue(o.contains("VM 'vm1' added: 2 vCPU(s), ACTIVE\n"), o);
    assertTrue(
        o.contains(
            "{\"schema\":1,\"vms\":[{\"name\":\"vm1\",\"state\":\"RUNNING\",\"vcpus\":2,"
                + "\"channels\":0,\"connected\":0,\"query_enabled\":false}]}\n"),
        o);
    assertTrue(
        o.contains("{\"schema\":1,\"frequencies\":[{\"cpu\":3,\"khz\":2600000,\"error\":null}]}\n"),
        o);
  }

  @Test
  void aLocalHostWithAControlSocketServesARealClientAndRemovesTheSocketAtExit() throws Exception {
    Path socket = dir.resolve("run/control.sock");
    java.io.PipedOutputStream typing = new java.io.PipedOutputStream();
    java.io.PipedInputStream stdin = new java.io.PipedInputStream(typing);
    java.util.concurrent.CompletableFuture<Integer> host =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                HostMain.run(
                    new String[] {
                      "--sim",
                      "--channel-dir",
                      dir.resolve("ch").toString(),
                      "--control-socket",
                      socket.toString()
                    },
                    stdin,
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8)));
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> Files.exists(socket) || host.isDone());
    ByteArrayOutputStream co = new ByteArrayOutputStream();
    ByteArrayOutputStream ce = new ByteArrayOutputStream();
    int code =
        HostMain.run(
            new String[] {"--connect", socket.toString(), "-c", "add_vm vm2", "-c", "show_vms"},
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(co, true, StandardCharsets.UTF_8),
            new PrintStream(ce, true, StandardCharsets.UTF_8));
    assertEquals(0, code, co.toString(StandardCharsets.UTF_8) + ce);
    assertTrue(
        co.toString(StandardCharsets.UTF_8).contains("vm2                  ACTIVE        4"));
    typing.write("show_vms\nquit\n".getBytes(StandardCharsets.UTF_8));
    typing.flush();
    assertEquals(0, host.get(30, java.util.concurrent.TimeUnit.SECONDS), err.toString());
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("Control socket: " + socket));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("vm2                  ACTIVE"));
    assertTrue(Files.notExists(socket), "the socket file is removed at exit");
  }

  @Test
  void dashCWithoutConnectIsRefusedAndStandardInputIsReadByTheClient() throws Exception {
    assertEquals(2, run("", "-c", "show_vms"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("-c runs a command on a running host"));
  }

  @Test
  void connectWithoutASocketNamesTheDefaultAndSaysWhatToDo() {
    Path none = dir.resolve("none.sock");
    assertEquals(2, run("", "--control-socket", none.toString(), "--connect", "-c", "show_vms"));
    String e = err.toString(StandardCharsets.UTF_8);
    assertTrue(
        e.contains("Error: no control socket at " + none + ": no vmpower host is running with it"),
        e);
  }

  @Test
  void aSocketNobodyListensOnIsReportedAsAStoppedHost() throws Exception {
    Path stale = dir.resolve("stale.sock");
    try (java.nio.channels.ServerSocketChannel s =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      s.bind(java.net.UnixDomainSocketAddress.of(stale));
    }
    assertEquals(2, run("", "--connect", stale.toString(), "-c", "show_vms"));
    String e = err.toString(StandardCharsets.UTF_8);
    assertTrue(
        e.contains(
            "connection refused at " + stale + ": nothing listens on it (the host that made"),
        e);
  }

  @Test
  void aFileThatIsNotASocketIsNamedSo() throws Exception {
    Path file = Files.writeString(dir.resolve("plain"), "x");
    assertEquals(2, run("", "--connect", file.toString(), "-c", "show_vms"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains(file + " is not a socket"));
  }
}
