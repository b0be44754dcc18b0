package io.vmpower.cli.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmpower.cli.HostApp;
import io.vmpower.core.config.ControlSettings;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.hal.ControlConnection;
import io.vmpower.core.hal.ControlPeer;
import io.vmpower.core.hal.ControlSocket;
import io.vmpower.core.testing.LogCapture;
import io.vmpower.hal.sim.Scenario;
import io.vmpower.hal.sim.SimulatedControlSocket;
import io.vmpower.hal.sim.SimulatedHalModule;
import io.vmpower.hal.sim.SimulatedHost;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control server on the simulated host, with in-memory clients of chosen credentials. */
class ControlServerTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final Path socket = Path.of("/run/vmpower/test-control.sock");
  private SimulatedHost sim;
  private HostApp app;
  private SimulatedControlSocket sockets;
  private final List<Raw> clients = new ArrayList<>();

  private static final ControlPeer ROOT = new ControlPeer(0, 0, 100, Set.of(0L), true);
  private static final ControlPeer MEMBER = new ControlPeer(1000, 1000, 101, Set.of(995L), true);
  private static final ControlPeer NOBODY = new ControlPeer(65534, 65534, 102, Set.of(), true);

  @BeforeEach
  void start() {
    sim = new SimulatedHost(Scenario.defaultScenario(), dir);
    app =
        new HostApp(
                HostConfig.defaults(dir),
                new SimulatedHalModule(sim),
                new PrintWriter(out, true),
                new PrintWriter(err, true))
            .start();
    sockets = (SimulatedControlSocket) app.injector().getInstance(ControlSocket.class);
    sockets.defineGroup("vmpower", 995);
  }

  @AfterEach
  void stop() {
    clients.forEach(Raw::close);
    app.shutdown();
    sim.close();
  }

  private void open(ControlSettings s) throws IOException {
    app.openControlSocket(s.withPath(socket).withGroup("vmpower"));
  }

  private void open() throws IOException {
    open(ControlSettings.defaults());
  }

  /** A client speaking the protocol by hand. */
  private final class Raw implements AutoCloseable {
    final ControlConnection c;
    final BufferedReader in;

    Raw(ControlPeer as) throws IOException {
      c = sockets.connect(socket, as);
      in = new BufferedReader(new InputStreamReader(c.input(), StandardCharsets.UTF_8));
      clients.add(this);
    }

    void send(String line) throws IOException {
      c.output().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      c.output().flush();
    }

    JsonNode read() throws IOException {
      String line = in.readLine();
      return line == null ? null : ControlProtocol.JSON.readTree(line);
    }

    @Override
    public void close() {
      c.close();
    }
  }

  private Raw greeted(ControlPeer as) throws IOException {
    Raw r = new Raw(as);
    JsonNode g = r.read();
    assertEquals(1, g.get("protocol").asInt(), g.toString());
    return r;
  }

  private String local(String line) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    app.execute(line);
    return out.toString();
  }

  private static String joined(JsonNode lines) {
    StringBuilder b = new StringBuilder();
    lines.forEach(l -> b.append(l.asText()).append('\n'));
    return b.toString();
  }

  @Test
  void aCommandsOutputIsTheBytesThePromptPrints() throws IOException {
    open();
    app.execute("add_vm vm1");
    app.execute("add_channels vm1 all");
    Raw r = greeted(ROOT);
    for (String line : List.of("show_vm vm1", "show_vms", "show_cpus", "show_stats", "help")) {
      r.send("{\"id\":7,\"command\":\"" + line + "\"}");
      JsonNode reply = r.read();
      assertEquals(7, reply.get("id").asInt());
      assertEquals(0, reply.get("status").asInt(), reply.toString());
      assertEquals(local(line), joined(reply.get("output")), line);
      assertFalse(reply.has("result"));
    }
  }

  @Test
  void errorsComeAsThePromptsErrorLinesWithItsStatus() throws IOException {
    open();
    Raw r = greeted(ROOT);
    r.send("{\"id\":\"a\",\"command\":\"show_vm vm9\"}");
    JsonNode reply = r.read();
    assertEquals("a", reply.get("id").asText());
    assertEquals(1, reply.get("status").asInt());
    assertEquals(
        "Error: Unknown VM 'vm9' (no VM added yet: use add_vm NAME)\n", joined(reply.get("error")));
    r.send("{\"id\":2,\"command\":\"frobnicate\"}");
    reply = r.read();
    assertEquals(2, reply.get("status").asInt());
    assertEquals(
        "Error: unknown command 'frobnicate': type 'help' to list the commands\n",
        joined(reply.get("error")));
  }

  @Test
  void jsonFormatGivesTheViewAsAResult() throws IOException {
    open();
    app.execute("add_vm vm1");
    Raw r = greeted(ROOT);
    r.send("{\"id\":1,\"command\":\"show_vms\",\"format\":\"json\"}");
    JsonNode reply = r.read();
    assertEquals(
        "{\"schema\":1,\"vms\":[{\"name\":\"vm1\",\"state\":\"RUNNING\",\"vcpus\":2,"
            + "\"channels\":0,\"connected\":0,\"query_enabled\":false}]}",
        reply.get("result").toString());
    assertEquals(0, reply.get("output").size());
    r.send("{\"id\":2,\"command\":\"add_vm vm2\",\"format\":\"json\"}");
    reply = r.read();
    assertTrue(reply.get("result").isNull());
    assertEquals("VM 'vm2' added: 4 vCPU(s), ACTIVE\n", joined(reply.get("output")));
  }

  @Test
  void aClientOutsideTheGroupIsRefusedBeforeAnythingIsReadAndNothingRuns() throws IOException {
    open();
    Raw r = new Raw(NOBODY);
    r.send("{\"id\":1,\"command\":\"add_vm vm1\"}");
    JsonNode refusal = r.read();
    assertEquals("forbidden", refusal.get("reason").asText());
    assertTrue(refusal.get("closed").asBoolean());
    assertTrue(
        joined(refusal.get("error")).contains("only root and members of group 'vmpower'"),
        refusal.toString());
    assertNull(r.in.readLine());
    assertEquals("No VMs added. Add one with: add_vm NAME\n", local("show_vms"));
    // a member of the group is served
    Raw m = greeted(MEMBER);
    m.send("{\"id\":1,\"command\":\"show_vms\"}");
    assertEquals(0, m.read().get("status").asInt());
  }

  @Test
  void clientsPastTheBoundAreRefusedAsBusyAndTheServedOnesGoOn() throws IOException {
    open(
        ControlSettings.defaults()
            .withLimits(2, 65536, 1 << 20, Duration.ofSeconds(60), Duration.ofSeconds(10)));
    Raw a = greeted(ROOT);
    Raw b = greeted(ROOT);
    Raw c = new Raw(ROOT);
    JsonNode busy = c.read();
    assertEquals("busy", busy.get("reason").asText());
    assertTrue(joined(busy.get("error")).contains("2 are served at once"));
    a.send("{\"id\":1,\"command\":\"show_vms\"}");
    assertEquals(0, a.read().get("status").asInt());
    b.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> app.controlServer().activeClients() == 1);
    greeted(ROOT);
  }

  @Test
  void aThousandClientsAtOnceAreEachAnsweredAndThePromptAndGuestsGoOn() throws Exception {
    open();
    app.execute("add_vm vm1");
    app.execute("add_channels vm1 all");
    List<Raw> all = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      all.add(new Raw(ROOT));
    }
    // meanwhile the prompt runs commands and a guest's request is served
    assertEquals(0, app.execute("set_cpu_freq 2 down"));
    sim.guestPort("vm1", 0)
        .write(
            io.vmpower.core.wire.PowerRequestCodec.encode(
                io.vmpower.core.wire.PowerRequest.cpuPower(1, io.vmpower.core.wire.Wire.SCALE_DOWN),
                io.vmpower.core.wire.WireFormat.DPDK));
    int greeted = 0;
    int busy = 0;
    for (Raw r : all) {
      JsonNode first = r.read();
      if (first.has("protocol")) {
        greeted++;
      } else {
        assertEquals("busy", first.get("reason").asText(), first.toString());
        busy++;
      }
    }
    assertEquals(16, greeted);
    assertEquals(984, busy);
    await().atMost(Duration.ofSeconds(10)).until(() -> sim.frequencyKhz(3) == 2400000);
    assertEquals(2400000, sim.frequencyKhz(2));
  }

  @Test
  void aLineOverTheBoundIsRefusedAtOnceAndTheConnectionClosed() throws IOException {
    open(
        ControlSettings.defaults()
            .withLimits(4, 1024, 1 << 20, Duration.ofSeconds(60), Duration.ofSeconds(10)));
    Raw r = greeted(ROOT);
    // no newline: the server must not wait for the rest of the line
    r.c
        .output()
        .write(
            ("{\"command\":\"add_vm vm1\",\"x\":\"" + "y".repeat(2000))
                .getBytes(StandardCharsets.UTF_8));
    JsonNode reply = r.read();
    assertEquals("line_too_long", reply.get("reason").asText());
    assertTrue(joined(reply.get("error")).contains("longer than 1024 bytes"));
    assertNull(r.in.readLine());
    assertEquals("No VMs added. Add one with: add_vm NAME\n", local("show_vms"));
  }

  @Test
  void invalidRequestsAreAnsweredAndTheConnectionStays() throws IOException {
    open();
    Raw r = greeted(ROOT);
    for (String bad :
        List.of(
            "not json",
            "[1,2]",
            "{\"id\":1}",
            "{\"id\":1,\"command\":\"show_vms\",\"complete\":\"s\"}",
            "{\"id\":1,\"command\":42}",
            "{\"id\":1,\"command\":\"show_vms\",\"format\":\"xml\"}",
            "{\"id\":1,\"command\":\"show_vms\",\"verbose\":true}",
            "{\"id\":{},\"command\":\"show_vms\"}")) {
      r.send(bad);
      JsonNode reply = r.read();
      assertEquals("bad_request", reply.get("reason").asText(), bad);
      assertEquals(2, reply.get("status").asInt());
      assertFalse(reply.has("closed"));
    }
    r.send("{\"id\":9,\"command\":\"show_vms\"}");
    assertEquals(0, r.read().get("status").asInt());
  }

  @Test
  void aClientThatSaysNothingIsDisconnectedAfterTheIdleTimeout() throws IOException {
    open(
        ControlSettings.defaults()
            .withLimits(4, 65536, 1 << 20, Duration.ofMillis(300), Duration.ofSeconds(10)));
    Raw r = greeted(ROOT);
    JsonNode idle = r.read();
    assertEquals("idle", idle.get("reason").asText());
    assertNull(r.in.readLine());
    await().atMost(Duration.ofSeconds(5)).until(() -> app.controlServer().activeClients() == 0);
  }

  @Test
  void aClientThatNeverReadsIsCutOffAndOthersAreServedMeanwhile() throws Exception {
    open(
        ControlSettings.defaults()
            .withLimits(4, 65536, 1 << 20, Duration.ofSeconds(60), Duration.ofMillis(500)));
    app.execute("add_vm vm1");
    Raw greedy = greeted(ROOT);
    // replies far beyond the 64 KiB the connection buffers, never read
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      many.append("{\"id\":").append(i).append(",\"command\":\"help\"}\n");
    }
    greedy.c.output().write(many.toString().getBytes(StandardCharsets.UTF_8));
    Raw other = greeted(ROOT);
    other.send("{\"id\":1,\"command\":\"show_vms\"}");
    assertEquals(0, other.read().get("status").asInt());
    try (LogCapture log = new LogCapture(ControlSession.class)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !log.matching("took none of its reply").isEmpty());
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> app.controlServer().activeClients() == 1);
    other.send("{\"id\":2,\"command\":\"show_vms\"}");
    assertEquals(0, other.read().get("status").asInt());
  }

  @Test
  void aReplyOverTheOutputBoundIsReportedAndTheClientDisconnected() throws IOException {
    open(
        ControlSettings.defaults()
            .withLimits(4, 65536, 1024, Duration.ofSeconds(60), Duration.ofSeconds(10)));
    app.execute("add_vm vm1");
    app.execute("add_vm vm2");
    app.execute("add_channels vm1 all");
    app.execute("add_channels vm2 all");
    Raw r = greeted(ROOT);
    r.send("{\"id\":4,\"command\":\"show_vms\"}");
    assertEquals(0, r.read().get("status").asInt());
    // the counters of 6 channels: about 2.7 KB of JSON
    r.send("{\"id\":5,\"command\":\"show_stats\",\"format\":\"json\"}");
    JsonNode reply = r.read();
    assertEquals("output_too_large", reply.get("reason").asText(), reply.toString());
    assertTrue(joined(reply.get("error")).contains("the command ran with status 0"));
    assertNull(r.in.readLine());
  }

  @Test
  void commandsThatChangeStateAreLoggedWithThePeersUidAndPid() throws IOException {
    open();
    Raw r = greeted(MEMBER);
    try (LogCapture log = new LogCapture(ControlSession.class)) {
      r.send("{\"id\":1,\"command\":\"add_vm vm1\"}");
      r.read();
      r.send("{\"id\":2,\"command\":\"show_vms\"}");
      r.read();
      assertEquals(
          List.of("INFO control client uid=1000 pid=101 ran 'add_vm vm1': status 0"), log.lines());
    }
  }

  @Test
  void completionAsksTheHostsModel() throws IOException {
    open();
    app.execute("add_vm vm1");
    Raw r = greeted(ROOT);
    r.send("{\"id\":1,\"complete\":\"show_c\"}");
    assertEquals(
        "[\"show_cpu_freq\",\"show_cpu_freq_mask\",\"show_cpus\"]",
        r.read().get("candidates").toString());
    r.send("{\"id\":2,\"complete\":\"add_channels vm1 \",\"cursor\":17}");
    assertEquals("[\"0\",\"1\",\"all\"]", r.read().get("candidates").toString());
    r.send("{\"id\":3,\"complete\":\"show_vm \"}");
    assertEquals("[\"vm1\",\"vm2\",\"vm3\"]", r.read().get("candidates").toString());
  }

  @Test
  void quitEndsTheClientsSessionNotTheHost() throws IOException {
    open();
    Raw r = greeted(ROOT);
    r.send("{\"id\":1,\"command\":\"quit\"}");
    JsonNode bye = r.read();
    assertTrue(bye.get("closed").asBoolean());
    assertNull(r.in.readLine());
    assertFalse(app.quitRequested());
    Raw again = greeted(ROOT);
    again.send("{\"id\":1,\"command\":\"show_vms\"}");
    assertEquals(0, again.read().get("status").asInt());
  }

  @Test
  void theClientReconnectsWhenTheHostClosedItsIdleConnection() throws Exception {
    open(
        ControlSettings.defaults()
            .withLimits(4, 65536, 1 << 20, Duration.ofMillis(200), Duration.ofSeconds(10)));
    try (ControlClient client = new ControlClient(sockets, socket)) {
      client.connect();
      await().atMost(Duration.ofSeconds(5)).until(() -> app.controlServer().activeClients() == 0);
      JsonNode reply = client.command("add_vm vm1", false);
      assertEquals(0, reply.get("status").asInt(), reply.toString());
      assertEquals("VM 'vm1' added: 2 vCPU(s), ACTIVE\n", joined(reply.get("output")));
    }
    assertEquals(1, local("show_vms").lines().filter(l -> l.startsWith("vm1 ")).count());
  }

  @Test
  void closingTheHostClosesItsClients() throws IOException {
    open();
    Raw r = greeted(ROOT);
    app.shutdown();
    assertNull(r.in.readLine());
    assertFalse(sockets.listening(socket));
  }
}
