package io.vmpower.features;

import com.google.inject.multibindings.OptionalBinder;
import io.cucumber.guice.ScenarioScoped;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.When;
import io.vmpower.core.config.DriftSettings;
import io.vmpower.core.drift.DriftCheck;
import jakarta.inject.Inject;
import java.time.Duration;

/** Steps for settings changed behind vmpower's back, and the drift check that notices. */
@ScenarioScoped
public final class DriftSteps {
  private final SimulatedWorld world;

  @Inject
  public DriftSteps(SimulatedWorld world) {
    this.world = world;
  }

  @Given(
      "the simulated host of the default scenario with its metrics endpoint and drift action {word}")
  public void hostWithDriftAction(String action) {
    DriftSettings settings =
        new DriftSettings(Duration.ofHours(1), DriftSettings.Action.parse(action));
    world.startWithMetrics(
        binder ->
            OptionalBinder.newOptionalBinder(binder, DriftSettings.class)
                .setBinding()
                .toInstance(settings));
  }

  @When("someone else sets pCPU {int} to {long} kHz")
  public void outsideFrequency(int cpu, long khz) {
    world.host().setFrequencyExternally(cpu, khz);
  }

  @When("someone else sets the governor of pCPU {int} to {word}")
  public void outsideGovernor(int cpu, String governor) {
    world.host().setGovernorExternally(cpu, governor);
  }

  @Given("pCPU {int} is busy {int}% of the time")
  public void busy(int cpu, int percent) {
    world.host().setCpuBusy(cpu, percent / 100.0);
  }

  @When("the drift check runs")
  public void check() {
    world.app().injector().getInstance(DriftCheck.class).check();
  }
}
