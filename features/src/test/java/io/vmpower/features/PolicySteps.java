package io.vmpower.features;

import io.cucumber.guice.ScenarioScoped;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.When;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.MacAddress;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** Steps of policies: the host's settings, the simulated time, loads and packet rates. */
@ScenarioScoped
public final class PolicySteps {
  private final SimulatedWorld world;

  @Inject
  public PolicySteps(SimulatedWorld world) {
    this.world = world;
  }

  @Given("policies use the time zone {string}")
  public void timeZone(String zone) {
    world.policies(world.policies().withTimeZone(ZoneId.of(zone)));
  }

  @Given("the CPUs {string} are dedicated to VMs")
  public void dedicated(String list) {
    world.policies(world.policies().withDedicatedCpus(CpuSet.parseList(list)));
  }

  /** Moves the simulated clock (which starts at 2024-01-01T00:00:00Z) to an instant. */
  @Given("the simulated time is {string}")
  public void time(String instant) {
    Instant target = Instant.parse(instant);
    Instant now = Instant.ofEpochMilli(world.host().clock().currentTimeMillis());
    if (target.isBefore(now)) {
      throw new IllegalArgumentException("the simulated clock is at " + now + ", past " + target);
    }
    world.advance(Duration.between(now, target));
  }

  @When("the simulated clock advances {int} ms")
  public void advanceMillis(int ms) {
    world.advance(Duration.ofMillis(ms));
  }

  @When("the simulated clock advances {int} minute(s)")
  public void advanceMinutes(int minutes) {
    world.advance(Duration.ofMinutes(minutes));
  }

  @When("the simulated clock advances {int} hour(s)")
  public void advanceHours(int hours) {
    world.advance(Duration.ofHours(hours));
  }

  @Given("vCPU {int} of {word} is {int} % busy")
  @When("vCPU {int} of {word} becomes {int} % busy")
  public void load(int vcpu, String vm, int percent) {
    world.host().load(vm, vcpu, percent);
  }

  @io.cucumber.java.en.Then("vCPU {int} of {word} is loaded {int} %")
  public void loaded(int vcpu, String vm, int percent) {
    org.junit.jupiter.api.Assertions.assertEquals(
        percent, world.host().loadOf(vm, vcpu), 1e-9, "load of vCPU " + vcpu + " of " + vm);
  }

  @Given("interface {word} of {word} receives {long} packets per second")
  @When("interface {word} of {word} starts receiving {long} packets per second")
  public void packets(String mac, String vm, long pps) {
    world.host().packetRate(vm, MacAddress.parse(mac), pps);
  }

  @When("the simulated host unplugs interface {word} of {word}")
  public void unplug(String mac, String vm) {
    world.host().unplugInterface(vm, MacAddress.parse(mac));
    world.host().awaitEvents();
  }
}
