package io.vmpower.features;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cucumber.guice.ScenarioScoped;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.vmpower.core.config.RunningConfig;
import io.vmpower.core.service.VmReconciler;
import io.vmpower.core.vm.VmRegistry;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

/** Steps of the host run as a service from its configuration file, on the simulated host. */
@ScenarioScoped
public final class DaemonSteps {
  private static final Duration PATIENCE = Duration.ofSeconds(10);
  private final SimulatedWorld world;
  private String scenario;

  @Inject
  public DaemonSteps(SimulatedWorld world) {
    this.world = world;
  }

  @Given("the simulated scenario:")
  public void scenario(String yaml) {
    scenario = yaml;
  }

  @When("the daemon starts with the configuration file:")
  public void daemonStarts(String yaml) {
    world.startDaemon(scenario, yaml);
  }

  @When("the configuration file becomes:")
  public void fileBecomes(String yaml) throws IOException {
    Files.writeString(world.configFile(), yaml);
  }

  @Then("the service manager was told READY=1 with the status {string}")
  public void ready(String status) {
    assertEquals(1, world.serviceManager().count("READY=1"), "READY=1 once");
    List<String> messages = world.serviceManager().messages();
    assertTrue(
        messages.contains("READY=1\nSTATUS=" + status),
        () -> "told: " + messages.toString().replace("\n", "\\n"));
  }

  @Then("the service manager was told {string} {int} time(s)")
  public void told(String line, int times) {
    assertEquals(times, world.serviceManager().count(line), line);
  }

  @Then("the host manages VMs {string}")
  public void manages(String names) {
    List<String> want = names.isEmpty() ? List.of() : List.of(names.split(", "));
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertEquals(
                    want, world.app().injector().getInstance(VmReconciler.class).managedNames()));
    assertEquals(want, world.app().injector().getInstance(VmRegistry.class).names());
  }

  @Then("the running configuration still manages {string}")
  public void stillManages(String manage) {
    assertEquals(
        manage,
        world
            .app()
            .injector()
            .getInstance(RunningConfig.class)
            .current()
            .vms()
            .manage()
            .toString());
  }

  @Then("no operator command was run")
  public void noCommand() {
    assertEquals(0, world.commands(), "commands run at the host's prompt");
  }

  @When("the simulated VM {word} is undefined")
  public void undefine(String vm) {
    world.host().undefineVm(vm);
  }

  @When("the simulated hypervisor defines VM {word} with {int} vCPU(s) and channels {string}")
  public void define(String vm, int vcpus, String channels) {
    int[] numbers =
        java.util.Arrays.stream(channels.split(","))
            .mapToInt(s -> Integer.parseInt(s.trim()))
            .toArray();
    world.host().defineVm(vm, vcpus, numbers);
  }

  @Then("the output names the configuration file in {string}")
  public void outputNamesFile(String text) {
    String expected = text.replace("CONFIG", world.configFile().toString());
    assertTrue(world.lastOut().contains(expected), () -> "output was:\n" + world.lastOut());
  }
}
