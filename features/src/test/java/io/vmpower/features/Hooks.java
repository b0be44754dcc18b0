package io.vmpower.features;

import io.cucumber.java.After;
import jakarta.inject.Inject;

/** Closes each scenario's world: channels closed, CPUs restored. */
public final class Hooks {
  private final SimulatedWorld world;

  @Inject
  public Hooks(SimulatedWorld world) {
    this.world = world;
  }

  @After
  public void closeWorld() {
    world.close();
  }
}
