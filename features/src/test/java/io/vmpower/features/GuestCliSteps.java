package io.vmpower.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cucumber.guice.ScenarioScoped;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.vmpower.cli.guest.GuestMain;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The guest CLI, run as bin/guest-vm-power-mgr runs it, against the demo's guest ports. */
@ScenarioScoped
public final class GuestCliSteps {
  private final SimulatedWorld world;
  private String out = "";
  private String err = "";
  private int exit;

  @Inject
  public GuestCliSteps(SimulatedWorld world) {
    this.world = world;
  }

  @Given("the simulated host serves its demo sockets")
  public void demo() {
    world.startDemo();
  }

  @When("the guest CLI of {word} on lcores {string} runs:")
  public void runs(String vm, String lcores, String script) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    Path prefix = world.guestPortPrefix(vm);
    exit =
        new GuestMain(
                new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8),
                false,
                root -> {
                  throw new IllegalStateException("no cpufreq in this test");
                })
            .run(
                "--environment",
                "vm",
                "--vm-name",
                vm,
                "--port-prefix",
                prefix.toString(),
                "--lcores",
                lcores,
                "--reply-timeout-ms",
                "2000");
    out = o.toString(StandardCharsets.UTF_8);
    err = e.toString(StandardCharsets.UTF_8);
  }

  @Then("the guest CLI prints:")
  public void prints(String expected) {
    assertTrue(out.contains(expected.strip()), () -> "guest output:\n" + out + "\nerrors:\n" + err);
  }

  @Then("the guest CLI exits with status {int}")
  public void exits(int status) {
    assertEquals(status, exit, () -> "guest output:\n" + out + "\nerrors:\n" + err);
  }

  @Then("the guest CLI reports {string}")
  public void reports(String text) {
    assertTrue(
        err.contains(text) || out.contains(text),
        () -> "guest output:\n" + out + "\nerrors:\n" + err);
  }
}
