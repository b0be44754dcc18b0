package io.vmpower.guest.archfixture;

import io.vmpower.hal.sim.SimulatedClock;

/**
 * Breaks a module rule on purpose, so ModuleRulesTest sees the rule fail: the library uses a HAL.
 */
final class GuestUsesAHal {
  Class<?> used = SimulatedClock.class;
}
