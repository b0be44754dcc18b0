package io.vmpower.core;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.OptionalBinder;
import io.vmpower.core.config.DriftSettings;
import io.vmpower.core.config.EnergySettings;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.hal.EnergyCounters;
import io.vmpower.core.host.StateFile;
import io.vmpower.core.metrics.HostTimers;
import io.vmpower.core.policy.GuestPolicies;
import io.vmpower.core.policy.PolicyPackets;

/**
 * Binds the domain: registry, power manager and arbiter, dispatcher, monitor, policy engine, the
 * host's commands (all just-in-time singletons) and the host's settings. A HAL module must bind
 * {@code CpuFrequencies}, {@code Hypervisor}, {@code ChannelTransport}, {@code VmStatistics} and
 * {@code Clock}; it may set {@code EnergyCounters} (default: none) through {@code OptionalBinder}.
 * {@link HostTimers} default to recording nothing; a metrics module sets them with {@code
 * OptionalBinder.newOptionalBinder(binder, HostTimers.class).setBinding()}; {@link DriftSettings}
 * default to {@link DriftSettings#DEFAULTS} and are set the same way, as are {@link PolicySettings}
 * (default: {@link PolicySettings#defaults()}).
 */
public final class CoreModule extends AbstractModule {
  private final HostConfig config;
  private final StateFile stateFile;

  /** The domain with no state file (settings are restored in-process only). */
  public CoreModule(HostConfig config) {
    this(config, StateFile.none());
  }

  public CoreModule(HostConfig config, StateFile stateFile) {
    this.config = config;
    this.stateFile = stateFile;
  }

  @Override
  protected void configure() {
    bind(HostConfig.class).toInstance(config);
    bind(StateFile.class).toInstance(stateFile);
    OptionalBinder.newOptionalBinder(binder(), HostTimers.class)
        .setDefault()
        .toInstance(HostTimers.NONE);
    OptionalBinder.newOptionalBinder(binder(), DriftSettings.class)
        .setDefault()
        .toInstance(DriftSettings.DEFAULTS);
    OptionalBinder.newOptionalBinder(binder(), EnergySettings.class)
        .setDefault()
        .toInstance(EnergySettings.DEFAULTS);
    OptionalBinder.newOptionalBinder(binder(), EnergyCounters.class)
        .setDefault()
        .toInstance(EnergyCounters.NONE);
    OptionalBinder.newOptionalBinder(binder(), PolicySettings.class)
        .setDefault()
        .toInstance(PolicySettings.defaults());
    bind(GuestPolicies.class).to(PolicyPackets.class);
  }
}
