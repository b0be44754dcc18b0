package io.vmpower.hal.sim.archfixture;

import io.vmpower.hal.linux.cpufreq.SysfsCpuFrequencies;

/**
 * Breaks a module rule on purpose, so ModuleRulesTest sees the rule fail: hal-sim uses hal-linux.
 */
final class SimUsesLinux {
  Class<?> used = SysfsCpuFrequencies.class;
}
