package io.vmpower.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmpower.core.config.HostConfig;
import io.vmpower.hal.sim.Scenario;
import io.vmpower.hal.sim.SimulatedHalModule;
import io.vmpower.hal.sim.SimulatedHost;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser.ParseContext;
import org.jline.reader.impl.DefaultParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's shell on the simulated default scenario: channel lists and their completion. */
class HostShellTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private SimulatedHost sim;
  private HostApp app;

  @BeforeEach
  void start() throws Exception {
    sim = new SimulatedHost(Scenario.defaultScenario(), dir);
    app =
        new HostApp(
                HostConfig.defaults(dir),
                new SimulatedHalModule(sim),
                new PrintWriter(out, true),
                new PrintWriter(err, true))
            .start();
  }

  @AfterEach
  void stop() {
    app.shutdown();
    sim.close();
  }

  private int run(String line) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return app.execute(line);
  }

  /** The candidates for the word at the end of {@code line}, filtered by its prefix. */
  private List<String> complete(String line) {
    List<Candidate> candidates = new ArrayList<>();
    ParsedLine parsed = new DefaultParser().parse(line, line.length(), ParseContext.COMPLETE);
    app.shell().completer().complete(null, parsed, candidates);
    return candidates.stream()
        .map(Candidate::value)
        .filter(v -> v.startsWith(parsed.word()))
        .sorted()
        .toList();
  }

  @Test
  void aBadChannelListIsTheCommandsErrorWithTheListMessage() {
    assertEquals(0, run("add_vm vm1"));

    assertEquals(1, run("add_channels vm1 zero"));

    assertEquals("", out.toString());
    assertEquals(
        "Error: 'zero' is not a valid channel list: bad part 'zero'; use numbers (0-1048576) like"
            + " 0,1,3 or ranges like 0-3\n",
        err.toString());
    assertEquals(1, run("rm_channels vm1 ALL"));
    assertEquals(
        "Error: 'ALL' is not a valid channel list: bad part 'ALL'; use numbers (0-1048576) like"
            + " 0,1,3 or ranges like 0-3\n",
        err.toString());
    assertEquals(1, run("set_channel_status vm1 , disabled"));
    assertEquals(
        "Error: ',' is not a valid channel list: bad part ''; use numbers (0-1048576) like"
            + " 0,1,3 or ranges like 0-3\n",
        err.toString());
  }

  @Test
  void otherMistypedLinesStillGetTheUsage() {
    assertEquals(2, run("add_channels vm1"));

    assertEquals(
        "Missing required parameter: 'LIST|all'\n"
            + "Usage: add_channels VM LIST|all (type 'help add_channels' for details)\n",
        err.toString());
  }

  @Test
  void channelListsCompleteWithTheNamedVmsChannelsOnly() {
    assertEquals(0, run("add_vm vm1"));
    assertEquals(0, run("add_vm vm2"));
    assertEquals(0, run("add_channels vm2 all"), err::toString);

    assertEquals(List.of("0", "1", "all"), complete("add_channels vm1 "));
    assertEquals(List.of("0", "1", "2", "3", "all"), complete("rm_channels vm2 "));
    assertEquals(List.of("all"), complete("set_channel_status vm3 "));
    assertEquals(List.of("disabled", "enabled"), complete("set_channel_status vm2 0 "));
  }
}
