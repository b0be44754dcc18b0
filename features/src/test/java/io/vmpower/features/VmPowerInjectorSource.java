package io.vmpower.features;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import io.cucumber.guice.CucumberModules;
import io.cucumber.guice.InjectorSource;

/** The injector of the step classes: each scenario gets its own {@code @ScenarioScoped} world. */
public final class VmPowerInjectorSource implements InjectorSource {
  @Override
  public Injector getInjector() {
    return Guice.createInjector(Stage.PRODUCTION, CucumberModules.createScenarioModule());
  }
}
