package io.vmpower.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cucumber.guice.ScenarioScoped;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.vmpower.core.hal.ControlConnection;
import io.vmpower.core.hal.ControlPeer;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Steps of an operator (or a script) using a running host through its control socket: {@code
 * vm-power-mgr --connect SOCKET -c COMMAND}, run as the launcher runs it, over the simulator's
 * in-memory control socket, connecting with the credentials a step names.
 */
@ScenarioScoped
public final class ControlSteps {
  private static final ControlPeer ROOT = new ControlPeer(0, 0, 4242, Set.of(0L), true);

  private final SimulatedWorld world;
  private Path socket;
  private String group;
  private long gid;
  private final List<String> replies = new ArrayList<>();

  @Inject
  public ControlSteps(SimulatedWorld world) {
    this.world = world;
  }

  @Given("the host serves its control socket to group {string} \\(gid {long})")
  public void serves(String group, long gid) {
    this.group = group;
    this.gid = gid;
    socket = world.openControlSocket(group, gid);
  }

  private int client(ControlPeer as, boolean json, List<String> commands) {
    List<String> args = new ArrayList<>(List.of("--connect", socket.toString()));
    if (json) {
      args.add("--json");
    }
    for (String c : commands) {
      args.add("-c");
      args.add(c);
    }
    return world.runClient(as, args.toArray(String[]::new));
  }

  @When("I run {string} through the control socket")
  public void run(String line) {
    client(ROOT, false, List.of(line));
  }

  @When("I run {string} through the control socket with --json")
  public void runJson(String line) {
    client(ROOT, true, List.of(line));
  }

  @When("I run these commands through the control socket:")
  public void runAll(List<String> lines) {
    client(ROOT, false, lines);
  }

  @When("a script pipes these lines to vm-power-mgr --connect:")
  public void pipe(String lines) {
    world.runClientWithInput(ROOT, lines + "\n", "--connect", socket.toString());
  }

  @When("a client of uid {long} outside group {string} runs {string} through the control socket")
  public void outsider(long uid, String g, String line) {
    client(new ControlPeer(uid, uid, 5151, Set.of(), true), false, List.of(line));
  }

  @When("a client of uid {long} in group {string} runs {string} through the control socket")
  public void member(long uid, String g, String line) {
    assertEquals(group, g, "the group the control socket was opened for");
    client(new ControlPeer(uid, uid, 5152, Set.of(gid), true), false, List.of(line));
  }

  @When("I connect to a control socket where no host runs")
  public void noHost() {
    world.runClient(
        ROOT, "--connect", world.dir().resolve("nothing-here.sock").toString(), "-c", "show_vms");
  }

  /**
   * A program (not vm-power-mgr) on the control socket: reads the greeting, then sends each line
   * and reads its reply.
   */
  @When("a program sends these lines on the control socket:")
  public void program(String lines) throws IOException {
    replies.clear();
    ControlConnection c = world.controlSockets().connect(socket, ROOT);
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(c.input(), StandardCharsets.UTF_8))) {
      in.readLine();
      for (String line : lines.split("\n")) {
        c.output().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        c.output().flush();
        replies.add(in.readLine());
      }
    } finally {
      c.close();
    }
  }

  @Then("it reads these replies:")
  public void programReads(String expected) {
    assertEquals(expected.strip(), String.join("\n", replies));
  }

  @Then("the exit status is {int}")
  public void exitStatus(int code) {
    assertEquals(
        code, world.lastExit(), () -> "out:\n" + world.lastOut() + "\nerr:\n" + world.lastErr());
  }

  @Then("the output is what {string} prints at the host's prompt")
  public void sameAsPrompt(String line) {
    String remote = world.lastOut();
    world.run(line);
    assertEquals(world.lastOut(), remote, "output through the socket vs at the prompt");
  }
}
