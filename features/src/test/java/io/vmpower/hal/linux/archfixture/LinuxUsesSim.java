package io.vmpower.hal.linux.archfixture;

import io.vmpower.hal.sim.SimulatedClock;

/**
 * Breaks a module rule on purpose, so ModuleRulesTest sees the rule fail: hal-linux uses hal-sim.
 */
final class LinuxUsesSim {
  Class<?> used = SimulatedClock.class;
}
