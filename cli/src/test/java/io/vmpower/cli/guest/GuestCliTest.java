package io.vmpower.cli.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import io.vmpower.guest.FakeKvmHost;
import io.vmpower.guest.KvmPorts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guest CLI in-process, against fake hosts on AF_UNIX sockets: its exact output lines. */
class GuestCliTest {
  private static final FrequencyTable TABLE = FrequencyTable.of(2601000, 2600000, 2400000, 1800000);

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<FakeKvmHost> hosts = new ArrayList<>();

  @AfterEach
  void stopHosts() throws IOException {
    for (FakeKvmHost h : hosts) {
      h.close();
    }
  }

  private Path prefix() {
    return dir.resolve("virtio.serial.port.poweragent");
  }

  private Path port(int lcore) {
    return KvmPorts.path(prefix(), lcore);
  }

  /** A host that ACKs scale requests and answers every query (queries enabled). */
  static byte[] fullHost(byte[] request) {
    return switch (FakeKvmHost.command(request)) {
      case Wire.CPU_POWER -> FakeKvmHost.ackNack(request, true);
      case Wire.QUERY_FREQ -> FakeKvmHost.freqList(request, 2400000);
      case Wire.QUERY_FREQ_LIST -> FakeKvmHost.freqList(request, 2400000, 1800000);
      case Wire.QUERY_CAPS ->
          FakeKvmHost.capsList(request, new boolean[] {true}, new boolean[] {false});
      case Wire.QUERY_CAPS_LIST ->
          FakeKvmHost.capsList(request, new boolean[] {true, false}, new boolean[] {false, true});
      default -> null;
    };
  }

  private void host(int lcore, Function<byte[], byte[]> responder) throws IOException {
    host(lcore, WireFormat.DPDK, responder);
  }

  private void host(int lcore, WireFormat format, Function<byte[], byte[]> responder)
      throws IOException {
    hosts.add(FakeKvmHost.listen(port(lcore), format, responder));
  }

  /** Runs the CLI with {@code args} after the common options that {@code args} do not give. */
  private int run(String stdin, String... args) {
    String[] common = {
      "--port-prefix", prefix().toString(),
      "--sysfs-root", dir.resolve("sys").toString(),
      "--vm-name", "testvm",
      "--reply-timeout-ms", "200",
      "--connect-timeout-ms", "500"
    };
    GuestMain main =
        new GuestMain(
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            false,
            root -> FakeCpuFrequencies.uniform(2, TABLE, TABLE.lowestIndex()).priority(0));
    List<String> all = new ArrayList<>();
    for (int i = 0; i < common.length; i += 2) {
      if (!List.of(args).contains(common[i])) {
        all.add(common[i]);
        all.add(common[i + 1]);
      }
    }
    all.addAll(List.of(args));
    return main.run(all.toArray(String[]::new));
  }

  private List<String> outLines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private String errText() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aVmSessionPrintsWhatDpdksGuestCliPrints() throws IOException {
    host(0, GuestCliTest::fullHost);
    host(1, GuestCliTest::fullHost);

    int code =
        run(
            "set_cpu_freq 0 up\n"
                + "set_cpu_freq 1 disable_turbo\n"
                + "query_cpu_freq 0\n"
                + "query_cpu_freq all\n"
                + "query_cpu_caps 1\n"
                + "query_cpu_caps all\n");

    assertEquals(0, code, errText());
    assertEquals(
        List.of(
            "lcore 0: initialised (vm, port " + port(0) + ")",
            "lcore 1: initialised (vm, port " + port(1) + ")",
            "ACK received for message sent to host.",
            "ACK received for message sent to host.",
            "Frequency of [0] vcore is 2400000.",
            "Frequency of [0] vcore is 2400000.",
            "Frequency of [1] vcore is 1800000.",
            "Capabilities of [1] vcore are: turbo possibility: 1, is priority core: 0.",
            "Capabilities of [0] vcore are: turbo possibility: 1, is priority core: 0.",
            "Capabilities of [1] vcore are: turbo possibility: 0, is priority core: 1."),
        outLines());
    assertEquals("", errText());
  }

  @Test
  void aNackFailsTheRun() throws IOException {
    host(0, FakeKvmHost::nackScale);

    int code = run("set_cpu_freq 0 max\n", "--lcores", "0");

    assertEquals(1, code);
    assertEquals("NACK received for message sent to host.", outLines().get(1));
  }

  @Test
  void noReplyIsOneClearLineAndFailsTheRun() throws IOException {
    host(0, request -> null);

    int code = run("set_cpu_freq 0 down\nquery_cpu_freq 0\n");

    assertEquals(1, code);
    assertEquals(
        List.of(
            "lcore 0: initialised (vm, port " + port(0) + ")",
            "No reply from host for lcore 0 (timeout after 200 ms).",
            "No reply from host for lcore 0 (timeout after 200 ms; a host answers queries only"
                + " when they are enabled for the VM: run 'set_query testvm enable' on the host)."),
        outLines());
  }

  @Test
  void theLegacyProtocolHasNoRepliesAndThatIsNotAFailure() throws IOException {
    host(0, WireFormat.LEGACY, request -> null);

    int code = run("set_cpu_freq 0 min\n", "--wire", "legacy");

    assertEquals(0, code, errText());
    assertEquals(
        "No reply from host for lcore 0 (legacy protocol has no replies).", outLines().get(1));
  }

  @Test
  void aScriptRunsThenQuitsAndItsFailuresCount() throws IOException {
    host(0, GuestCliTest::fullHost);
    Path ok = Files.writeString(dir.resolve("ok.cmds"), "# scale\n\nset_cpu_freq 0 up\n");
    Path bad = Files.writeString(dir.resolve("bad.cmds"), "set_cpu_freq 0 up\nset_cpu_freq 4 up\n");

    assertEquals(0, run("set_cpu_freq 0 down\n", "--script", ok.toString()));
    assertEquals(
        List.of(
            "lcore 0: initialised (vm, port " + port(0) + ")",
            "ACK received for message sent to host."),
        outLines(),
        "the script's commands, not standard input's");
    assertEquals(1, run("", "--script", bad.toString()));
    assertEquals("Error: lcore 4 is not initialised (initialised: 0)\n", errText());
  }

  @Test
  void mistypedCommandsSayWhatIsAccepted() throws IOException {
    host(0, GuestCliTest::fullHost);

    int code = run("set_cpu_freq 0 sideways\nquery_cpu_caps x\nscale 0\n");

    assertEquals(1, code);
    assertEquals(
        List.of(
            "Invalid value for positional parameter at index 1 (OP): unknown scaling 'sideways':"
                + " use up, down, min, max, enable_turbo or disable_turbo",
            "Usage: set_cpu_freq LCORE OP (type 'help set_cpu_freq' for details)",
            "Invalid value for positional parameter at index 0 (LCORE|all): 'x' is not an lcore:"
                + " give its number (0, 1, ...) or all",
            "Usage: query_cpu_caps LCORE|all (type 'help query_cpu_caps' for details)",
            "Error: unknown command 'scale': type 'help' to list the commands"),
        errText().lines().toList());
  }

  @Test
  void helpListsTheGuestCommands() throws IOException {
    host(0, GuestCliTest::fullHost);

    assertEquals(0, run("help\nhelp set_cpu_freq\n"));

    String text = out.toString(StandardCharsets.UTF_8);
    for (String name :
        List.of("set_cpu_freq", "query_cpu_freq", "query_cpu_caps", "help", "quit")) {
      assertTrue(text.contains("\n  " + name + " "), name + " missing from\n" + text);
    }
    assertTrue(text.contains("\nUsage: set_cpu_freq LCORE OP\n"), text);
  }

  @Test
  void onlyTheLcoresAskedForAreInitialisedAndFailuresAreReported() throws IOException {
    host(0, GuestCliTest::fullHost);
    host(1, GuestCliTest::fullHost);

    int code = run("", "--lcores", "0,5");

    assertEquals(0, code);
    assertEquals(List.of("lcore 0: initialised (vm, port " + port(0) + ")"), outLines());
    assertTrue(
        errText().startsWith("lcore 5: not initialised: no port " + port(5) + " for lcore 5"),
        errText());
  }

  @Test
  void withNoPortAndNoCpufreqNothingStartsAndBothPlacesAreNamed() {
    int code = run("set_cpu_freq 0 up\n");

    assertEquals(1, code);
    List<String> lines = errText().lines().toList();
    assertEquals(2, lines.size(), errText());
    assertTrue(
        lines.get(0).contains(dir.resolve("sys/devices/system/cpu/cpu0/cpufreq").toString()));
    assertTrue(lines.get(0).contains(prefix() + ".N"));
    assertEquals("No lcore could be initialised.", lines.get(1));
  }

  @Test
  void onAHostTheCliPrintsWhatChanged() {
    int code =
        run(
            "set_cpu_freq 1 up\nset_cpu_freq 1 min\nquery_cpu_freq 1\n",
            "--environment",
            "host",
            "--lcores",
            "0-1");

    assertEquals(0, code, errText());
    assertEquals(
        List.of(
            "lcore 0: initialised (host, CPU 0 under " + dir.resolve("sys") + ")",
            "lcore 1: initialised (host, CPU 1 under " + dir.resolve("sys") + ")",
            "Core 1: 1800000 -> 2400000 kHz",
            "Core 1: 2400000 -> 1800000 kHz",
            "Frequency of [1] vcore is 1800000."),
        outLines());
  }

  @Test
  void helpOptionAndBadOptions() {
    assertEquals(0, run("", "--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: guest-vm-power-mgr "));

    assertEquals(GuestMain.USAGE, run("", "--wire", "json"));
    assertEquals(
        "Invalid value for option '--wire': unknown wire format 'json': use dpdk (464-byte"
            + " requests) or legacy (16 bytes)\n"
            + "Type 'guest-vm-power-mgr --help' for the options.\n",
        errText());
  }

  @Test
  void badOptionValuesCaughtByTheLibraryAreUsageErrors() {
    assertEquals(GuestMain.USAGE, run("", "--reply-timeout-ms", "0"));
    assertEquals("Error: reply timeout 0 ms is not positive: give at least 1 ms\n", errText());
  }
}
