package io.vmpower.cli.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.inject.multibindings.OptionalBinder;
import io.vmpower.cli.HostApp;
import io.vmpower.cli.ViewOutput;
import io.vmpower.core.config.ControlSettings;
import io.vmpower.core.config.EnergySettings;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.hal.ControlConnection;
import io.vmpower.core.hal.ControlPeer;
import io.vmpower.core.hal.ControlSocket;
import io.vmpower.core.host.StateFile;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples of docs/control-protocol.md are what the host does: each view example is the
 * command's {@code --json} line on the built-in simulated host, each exchange what the host
 * answers.
 */
class ControlProtocolDocTest {
  private static final Path DOC = Path.of("..", "docs", "control-protocol.md");
  private static final Pattern BLOCK =
      Pattern.compile(
          "<!-- (view: [^>]+|exchange|greeting|refusal) -->\\n```(?:json)?\\n(.*?)```",
          Pattern.DOTALL);

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private SimulatedHost sim;
  private HostApp app;

  @BeforeEach
  void start() {
    sim = new SimulatedHost(Scenario.defaultScenario(), dir);
    app =
        new HostApp(
                HostConfig.defaults(dir),
                StateFile.none(),
                new SimulatedHalModule(sim),
                new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true),
                // the policy time zone of the examples, whatever this machine's
                HostApp.policies(PolicySettings.defaults().withTimeZone(ZoneId.of("UTC"))),
                // energy sampled only when asked, so that show_energy's sample count is the same
                binder ->
                    OptionalBinder.newOptionalBinder(binder, EnergySettings.class)
                        .setBinding()
                        .toInstance(new EnergySettings(Duration.ZERO)))
            .start();
  }

  @AfterEach
  void stop() {
    app.shutdown();
    sim.close();
  }

  private record Example(String kind, String text) {}

  private static List<Example> examples() throws IOException {
    Matcher m = BLOCK.matcher(Files.readString(DOC));
    List<Example> all = new ArrayList<>();
    while (m.find()) {
      all.add(new Example(m.group(1), m.group(2)));
    }
    return all;
  }

  @Test
  void theViewExamplesAreTheJsonLinesOfTheCommands() throws IOException {
    app.execute("add_vm vm1");
    app.execute("add_channels vm1 all");
    app.viewMode(ViewOutput.Mode.JSON_LINE);
    int checked = 0;
    for (Example e : examples()) {
      if (!e.kind().startsWith("view: ")) {
        continue;
      }
      String command = e.kind().substring("view: ".length());
      out.getBuffer().setLength(0);
      assertEquals(0, app.execute(command), command);
      assertEquals(e.text().strip(), out.toString().strip().replace(dir.toString(), "CH"), command);
      checked++;
    }
    assertEquals(8, checked, "view examples in " + DOC);
  }

  @Test
  void theExchangesAreWhatTheHostAnswers() throws IOException {
    SimulatedControlSocket sockets =
        (SimulatedControlSocket) app.injector().getInstance(ControlSocket.class);
    sockets.defineGroup("vmpower", 995);
    Path socket = dir.resolve("control.sock");
    app.openControlSocket(ControlSettings.defaults().withPath(socket).withGroup("vmpower"));
    List<Example> examples = examples();
    int checked = 0;
    for (Example e : examples) {
      switch (e.kind()) {
        case "refusal" -> {
          ControlConnection c =
              sockets.connect(socket, new ControlPeer(65534, 65534, 9, Set.of(), true));
          assertEquals(e.text().strip(), reader(c).readLine());
          c.close();
          checked++;
        }
        case "greeting" -> {
          ControlConnection c = sockets.connect(socket);
          assertEquals(e.text().strip(), reader(c).readLine());
          c.close();
          checked++;
        }
        case "exchange" -> {
          ControlConnection c = sockets.connect(socket);
          BufferedReader in = reader(c);
          in.readLine();
          for (String line : e.text().strip().split("\n")) {
            if (line.startsWith("> ")) {
              c.output().write((line.substring(2) + "\n").getBytes(StandardCharsets.UTF_8));
            } else {
              assertEquals(line.substring(2), in.readLine());
            }
          }
          c.close();
          checked++;
        }
        default -> {}
      }
    }
    assertFalse(examples.isEmpty());
    assertEquals(4, checked, "exchange, greeting and refusal examples in " + DOC);
  }

  private static BufferedReader reader(ControlConnection c) throws IOException {
    return new BufferedReader(new InputStreamReader(c.input(), StandardCharsets.UTF_8));
  }
}
