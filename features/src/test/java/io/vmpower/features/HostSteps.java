package io.vmpower.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cucumber.guice.ScenarioScoped;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import jakarta.inject.Inject;

/** Steps that read like an operator's session at the {@code vm_power>} prompt. */
@ScenarioScoped
public final class HostSteps {
  private final SimulatedWorld world;

  @Inject
  public HostSteps(SimulatedWorld world) {
    this.world = world;
  }

  @Given("the simulated host of the default scenario")
  public void defaultHost() {
    world.start();
  }

  @Given("a simulated host described by:")
  public void hostFrom(String yaml) {
    world.start(yaml, null);
  }

  @Given("the host has run {string}")
  public void hasRun(String line) {
    int code = world.run(line);
    assertEquals(0, code, () -> "'" + line + "' failed: " + world.lastErr() + world.lastOut());
  }

  @When("I run {string} on the host")
  public void run(String line) {
    world.run(line);
  }

  @Then("the command succeeds")
  public void succeeds() {
    assertEquals(0, world.lastExit(), () -> "failed: " + world.lastErr() + world.lastOut());
  }

  @Then("the command fails")
  public void fails() {
    assertNotEquals(0, world.lastExit(), () -> "succeeded: " + world.lastOut());
  }

  @Then("the output contains {string}")
  public void outputContains(String text) {
    assertTrue(
        world.lastOut().contains(text), () -> "output was:\n" + world.lastOut() + world.lastErr());
  }

  @Then("the output does not contain {string}")
  public void outputLacks(String text) {
    assertFalse(world.lastOut().contains(text), () -> "output was:\n" + world.lastOut());
  }

  @Then("the output is:")
  public void outputIs(String expected) {
    assertEquals(
        expected.strip(),
        world.lastOut().strip().replace(world.dir().toString(), "CHANNEL_DIR"),
        "output (channel folder shown as CHANNEL_DIR)");
  }

  /** As "the output is", with {@code <n>} in the expected text matching any decimal number. */
  @Then("the output matches, <n> standing for any number:")
  public void outputMatches(String expected) {
    String out = world.lastOut().strip().replace(world.dir().toString(), "CHANNEL_DIR");
    StringBuilder regex = new StringBuilder();
    String[] parts = expected.strip().split("<n>", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        regex.append("[0-9]+(?:\\.[0-9]+)?");
      }
      regex.append(java.util.regex.Pattern.quote(parts[i]));
    }
    assertTrue(
        java.util.regex.Pattern.compile(regex.toString(), java.util.regex.Pattern.DOTALL)
            .matcher(out)
            .matches(),
        () -> "output (channel folder shown as CHANNEL_DIR) was:\n" + out);
  }

  @Then("the output starts with:")
  public void outputStartsWith(String expected) {
    String out = world.lastOut().strip().replace(world.dir().toString(), "CHANNEL_DIR");
    assertTrue(
        out.startsWith(expected.strip()),
        () -> "output (channel folder shown as CHANNEL_DIR) was:\n" + out);
  }

  @Then("the error says {string}")
  public void errorSays(String text) {
    assertTrue(
        world.lastErr().contains(text),
        () -> "error output was:\n" + world.lastErr() + "\nstdout:\n" + world.lastOut());
  }

  @Then("pCPU {int} runs at {long} kHz")
  public void pcpuRunsAt(int cpu, long khz) {
    world.settle();
    assertEquals(khz, world.host().frequencyKhz(cpu), "frequency of pCPU " + cpu);
  }

  @Then("pCPUs {string} run at {long} kHz")
  public void pcpusRunAt(String list, long khz) {
    for (String c : list.split(",")) {
      pcpuRunsAt(Integer.parseInt(c.trim()), khz);
    }
  }

  @Then("no CPU frequency was written")
  public void noWrites() {
    assertEquals(0, world.host().frequencyWriteCount(), "frequency writes");
  }

  @Given("pCPU {int} fails every frequency write with {string}")
  public void failWrites(int cpu, String reason) {
    world.host().failFrequencyWrites(cpu, reason);
  }

  @When("the simulated hypervisor re-pins vCPU {int} of {word} to pCPUs {string}")
  public void repin(int vcpu, String vm, String list) {
    world.host().repin(vm, vcpu, io.vmpower.core.cpu.CpuSet.parseList(list));
    world.host().awaitEvents();
  }

  @When("I shut the host down")
  public void shutdown() {
    world.app().shutdown();
  }

  @Then("every pCPU is back at {long} kHz")
  public void everyCpuAt(long khz) {
    for (int cpu = 0; cpu < world.host().cpuCount(); cpu++) {
      pcpuRunsAt(cpu, khz);
    }
  }

  @When("the simulated host hangs up {word} channel {int}")
  public void hangUp(String vm, int channel) {
    world.host().hangUp(vm, channel);
  }

  @When("the simulated VM {word} stops")
  public void stopVm(String vm) {
    world.host().stopVm(vm);
  }

  @When("the simulated VM {word} starts")
  public void startVm(String vm) {
    world.host().startVm(vm);
  }

  @When("the simulated clock advances {int} second(s)")
  public void advance(int seconds) {
    world.advance(java.time.Duration.ofSeconds(seconds));
  }

  @Then("channel {int} of {word} becomes {word}")
  public void channelBecomes(int channel, String vm, String state) {
    io.vmpower.core.vm.VmRegistry registry =
        world.app().injector().getInstance(io.vmpower.core.vm.VmRegistry.class);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              // looked up each time: the daemon may add the VM or the channel meanwhile
              io.vmpower.core.vm.Channel c =
                  registry.find(vm).map(v -> v.channel(channel)).orElse(null);
              assertEquals(
                  state, c == null ? "absent" : c.state().name(), "state of " + vm + "." + channel);
            });
  }

  @When("the simulated hypervisor becomes unreachable")
  public void unreachable() {
    world.host().hypervisorUnreachable(true);
    world.host().awaitEvents();
  }

  @When("the simulated hypervisor is reachable again")
  public void reachable() {
    world.host().hypervisorUnreachable(false);
    world.host().awaitEvents();
  }
}
